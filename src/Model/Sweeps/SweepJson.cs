using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Verify.Model.Experiments;
using Verify.Model.Networks;

namespace Verify.Model.Sweeps;

/// <summary>
/// The JSON of a sweep's files (manifest lines, results, the plan): snake_case names, enums as
/// words, activations as they are written on the command line ("relu", "leaky:0.1"), and doubles
/// written so they read back bit for bit (NaN and infinities as named literals).
/// </summary>
public static class SweepJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new ActivationConverter() },
        WriteIndented = false,
    };

    /// <summary>
    /// The run id of a configuration: the first 16 hex digits of the SHA-256 of its JSON. Equal
    /// configurations have equal ids in every manifest, so a result can be checked against the line
    /// it claims to answer, and a run planned twice is trained once.
    /// </summary>
    public static string RunId(TwoLayerConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config, Options))))[..16];

    sealed class ActivationConverter : JsonConverter<Activation>
    {
        public override Activation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Activation.Parse(reader.GetString() ?? throw new JsonException("activation is null"));

        public override void Write(Utf8JsonWriter writer, Activation value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
