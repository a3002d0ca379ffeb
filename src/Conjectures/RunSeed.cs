namespace Verify.Conjectures;

/// <summary>
/// The run seed of a test run: <c>VERIFY_SEED</c> when set (a run replays exactly from it), else
/// drawn afresh, so every run judges new cases. Printed at the top of the test output and in
/// every failure.
/// </summary>
public static class RunSeed
{
    public const string Variable = "VERIFY_SEED";

    static readonly Lazy<long> Seed = new(() =>
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return Random.Shared.NextInt64(1, 1_000_000_000);
        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s)
            ? s
            : throw new ArgumentException($"{Variable} must be a whole number; got '{text}'.");
    });

    public static long Value => Seed.Value;

    /// <summary>The line that replays this run: "VERIFY_SEED=123 dotnet test ...".</summary>
    public static string Replay => $"{Variable}={Value}";
}
