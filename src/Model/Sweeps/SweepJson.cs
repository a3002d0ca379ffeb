using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Verify.Model.Evidence;
using Verify.Model.Networks;

namespace Verify.Model.Sweeps;

/// <summary>
/// The JSON of a sweep's files (manifest lines, results, the plan): snake_case names, enums as
/// words, activations as they are written on the command line ("relu", "leaky:0.1"), matrices as
/// arrays of rows, and doubles written so they read back bit for bit (NaN and infinities as named
/// literals). Only what a record is built from is written (constructor parameters and settable
/// properties); computed properties are recomputed when it is read back.
/// </summary>
public static class SweepJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new ActivationConverter(), new MatrixConverter<double>(), new MatrixConverter<int>() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlyWhatBuildsTheObject } },
        WriteIndented = false,
        // Fields too: a learning-rate schedule is a list of (epoch, rate) tuples, and a run id must see it.
        IncludeFields = true,
    };

    /// <summary>Drops properties that are neither set through the constructor nor settable: they are derived, and may throw where they do not apply.</summary>
    static void OnlyWhatBuildsTheObject(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
            if (info.Properties[i].Set is null && info.Properties[i].AssociatedParameter is null) info.Properties.RemoveAt(i);
    }

    /// <summary>A rectangular matrix as an array of rows.</summary>
    sealed class MatrixConverter<T> : JsonConverter<T[,]>
    {
        public override T[,] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var rows = JsonSerializer.Deserialize<T[][]>(ref reader, options) ?? throw new JsonException("matrix is null");
            var columns = rows.Length == 0 ? 0 : rows[0].Length;
            if (rows.Any(r => r.Length != columns)) throw new JsonException("matrix rows differ in length");
            var m = new T[rows.Length, columns];
            for (var r = 0; r < rows.Length; r++)
                for (var c = 0; c < columns; c++) m[r, c] = rows[r][c];
            return m;
        }

        public override void Write(Utf8JsonWriter writer, T[,] value, JsonSerializerOptions options)
        {
            var rows = Enumerable.Range(0, value.GetLength(0)).Select(r => Enumerable.Range(0, value.GetLength(1)).Select(c => value[r, c]).ToArray()).ToArray();
            JsonSerializer.Serialize(writer, rows, options);
        }
    }

    /// <summary>
    /// The run id of a configuration: the first 16 hex digits of the SHA-256 of its JSON. Equal
    /// configurations have equal ids in every manifest, so a result can be checked against the line
    /// it claims to answer, and a run planned twice is trained once. Every output names its runs by
    /// this id (a two-layer run, a multi-layer run, a reproduction), so their rows join on it.
    /// </summary>
    public static string RunId<TConfig>(TConfig config) where TConfig : notnull =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config, Options))))[..16];

    sealed class ActivationConverter : JsonConverter<Activation>
    {
        public override Activation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Activation.Parse(reader.GetString() ?? throw new JsonException("activation is null"));

        public override void Write(Utf8JsonWriter writer, Activation value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
