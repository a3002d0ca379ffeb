using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verify.Cli.Report;

/// <summary>
/// The JSON of the analysis outputs (the tables beside their Parquet files, and claims.json):
/// snake_case names, strict numbers (a non-finite double cannot be written: the rows hold null and
/// a flag instead), nullable annotations and constructor parameters respected, so the JSON Schema
/// generated from a row type (<see cref="OutputSchemas"/>) says exactly what is written.
/// </summary>
static class OutputJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same, indented (claims.json).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            WriteIndented = indented,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The value where it is finite, else null (its flag says why it is null).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>The value where it is finite, else null; null stays null.</summary>
    public static double? Finite(double? value) => value is { } v ? Finite(v) : null;

    /// <summary>True when a number was there but was not finite (NaN or an infinity).</summary>
    public static bool NonFinite(double? value) => value is { } v && !double.IsFinite(v);
}
