using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Verify.Model.Runtime;

namespace Verify.Cli.Report;

/// <summary>
/// Writes rows of a record type as a Parquet file: one column per property, named as its JSON
/// field (snake_case), in declaration order; nullable where the property is. Scalars (string, bool,
/// int, long, double) keep their type; anything else (a JSON object, a list) is written as its JSON
/// text. The file's key-value metadata holds the table's name and the <see cref="Provenance"/>,
/// one key per field (<see cref="Metadata"/>).
/// </summary>
public static class ParquetTable
{
    /// <summary>The metadata key of the table's name.</summary>
    public const string TableKey = "verify.table";

    static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The provenance as key-value metadata: "verify." and the JSON field name, its JSON value as text (strings unquoted, "null" where absent).</summary>
    public static Dictionary<string, string> Metadata(string table, Provenance provenance)
    {
        var metadata = new Dictionary<string, string> { [TableKey] = table };
        foreach (var (key, value) in JsonSerializer.SerializeToNode(provenance, OutputJson.Options)!.AsObject())
            metadata["verify." + key] = value switch
            {
                null => "null",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => value.ToJsonString(),
            };
        return metadata;
    }

    /// <summary>The columns of <typeparamref name="T"/>: name, the value's type in the file, and whether it may be null.</summary>
    public static IReadOnlyList<(PropertyInfo Property, DataField Field, bool AsJson)> Columns<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p =>
            {
                var name = OutputJson.Options.PropertyNamingPolicy!.ConvertName(p.Name);
                var underlying = Nullable.GetUnderlyingType(p.PropertyType);
                var type = underlying ?? p.PropertyType;
                var scalar = type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long) || type == typeof(double);
                var nullable = underlying is not null || (!type.IsValueType && Nullability.Create(p).ReadState != NullabilityState.NotNull);
                return (p, new DataField(name, scalar ? type : typeof(string), isNullable: nullable), !scalar);
            }).ToArray();

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> (replaced), with the provenance in the metadata.</summary>
    public static void Write<T>(string path, IEnumerable<T> rows, string table, Provenance provenance)
    {
        var columns = Columns<T>();
        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field));
        var data = rows.Select(row => (IDictionary<string, object?>)columns.ToDictionary(
            c => c.Field.Name,
            c => Cell(c.Property.GetValue(row), c.AsJson))).ToArray();
        using var stream = File.Create(path);
        ParquetSerializer.SerializeUntypedAsync(data, schema, stream, new ParquetOptions(), Metadata(table, provenance)).GetAwaiter().GetResult();
    }

    static object? Cell(object? value, bool asJson) =>
        asJson && value is not null ? JsonSerializer.Serialize(value, value.GetType(), OutputJson.Options) : value;
}
