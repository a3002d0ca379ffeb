using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Verify.Cli.Report;

/// <summary>
/// The JSON Schema of every JSON file `reproduce` writes for analysis, generated from the type that
/// is written, with the options it is written with (<see cref="OutputJson"/>): a schema cannot
/// drift from its file. Every object is closed (no fields beyond its type's). docs/schemas holds
/// them; a test checks that the committed files are these and that real outputs validate.
/// `verify schemas --out DIR` writes them.
/// </summary>
public static class OutputSchemas
{
    /// <summary>The files and the type of one line (a .jsonl file) or of the whole document (claims.json).</summary>
    public static IReadOnlyList<(string File, Type Type)> Files { get; } =
        [.. OutputTables.All.Where(t => t.Table != ClaimRecord.Table).Select(t => (t.Table + ".jsonl", t.Row)), ("claims.json", typeof(ClaimsDocument))];

    /// <summary>The schema file's name for an output file: claims.json has claims.schema.json, nodes.jsonl nodes.schema.json.</summary>
    public static string SchemaFile(string file) => Path.GetFileNameWithoutExtension(file) + ".schema.json";

    /// <summary>The JSON Schema (draft 2020-12) of one line or document of type <paramref name="type"/>.</summary>
    public static JsonObject Generate(string file, Type type)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (_, node) =>
            {
                if (node is JsonObject o && o.ContainsKey("properties")) o["additionalProperties"] = false;
                return node;
            },
        };
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(OutputJson.Options, type, exporter).AsObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = file,
            ["description"] = file.EndsWith(".jsonl", StringComparison.Ordinal)
                ? $"One line of {file}; docs/outputs.md describes every field."
                : $"{file}; docs/outputs.md describes every field.",
        };
        foreach (var (key, value) in schema.ToArray())
        {
            schema.Remove(key);
            root[key] = value;
        }
        return root;
    }

    /// <summary>Every schema as the text of its file (indented, one newline at the end).</summary>
    public static IReadOnlyList<(string SchemaFile, string Text)> Texts() =>
        Files.Select(f => (SchemaFile(f.File), Generate(f.File, f.Type).ToJsonString(OutputJson.Indented).ReplaceLineEndings("\n") + "\n")).ToArray();

    /// <summary>Writes every schema into <paramref name="dir"/>; returns the paths.</summary>
    public static string[] Write(string dir)
    {
        Directory.CreateDirectory(dir);
        return Texts().Select(t =>
        {
            var path = Path.Combine(dir, t.SchemaFile);
            File.WriteAllText(path, t.Text);
            return path;
        }).ToArray();
    }
}
