using System.Text.Json;
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
    /// <summary>One schema: its file name, the output file it describes, the type of one line (a .jsonl file) or of the whole document, and the options that write it.</summary>
    public sealed record Spec(string SchemaFile, string File, Type Type, JsonSerializerOptions Options, string Description);

    /// <summary>
    /// Every schema: one per table (<see cref="OutputTables"/>), claims.json, and one per kind of
    /// runs.jsonl line (a line matches exactly one of them: each is closed and requires its fields).
    /// </summary>
    public static IReadOnlyList<Spec> All { get; } =
    [
        .. OutputTables.All.Where(t => t.Table != ClaimRecord.Table)
            .Select(t => new Spec(t.Table + ".schema.json", t.Table + ".jsonl", t.Row, OutputJson.Options, $"One line of {t.Table}.jsonl; docs/outputs.md describes every field.")),
        new Spec("claims.schema.json", "claims.json", typeof(ClaimsDocument), OutputJson.Options, "claims.json; docs/outputs.md describes every field."),
        new Spec("runs.two-layer.schema.json", "runs.jsonl", typeof(TwoLayerLine), RunsJsonl.Options, "A line of runs.jsonl for a two-layer run; non-finite numbers are the strings NaN, Infinity, -Infinity."),
        new Spec("runs.multi-layer.schema.json", "runs.jsonl", typeof(MultiLayerLine), RunsJsonl.Options, "A line of runs.jsonl for a run of the paper's multi-layer set-up."),
        new Spec("runs.multi-layer-authors.schema.json", "runs.jsonl", typeof(AuthorsMultiLayerLine), RunsJsonl.Options, "A line of runs.jsonl for a run of the authors' multi-layer protocol; non-finite numbers are null."),
    ];

    /// <summary>The JSON Schema (draft 2020-12) of <paramref name="spec"/>.</summary>
    public static JsonObject Generate(Spec spec)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (node is not JsonObject o) return node;
                if (o.ContainsKey("properties")) o["additionalProperties"] = false;
                // With named literals the exporter writes a nullable double as anyOf [number, the literals] and drops null.
                if (Nullable.GetUnderlyingType(context.TypeInfo.Type) is { } u && (u == typeof(double) || u == typeof(float))
                    && o["anyOf"] is JsonArray any && !any.Any(b => b?["type"]?.GetValue<string>() == "null"))
                    any.Add(new JsonObject { ["type"] = "null" });
                return node;
            },
        };
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(spec.Options, spec.Type, exporter).AsObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = spec.File,
            ["description"] = spec.Description,
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
        All.Select(s => (s.SchemaFile, Generate(s).ToJsonString(OutputJson.Indented).ReplaceLineEndings("\n") + "\n")).ToArray();

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
