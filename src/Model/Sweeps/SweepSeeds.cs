using Verify.Model.Runtime;

namespace Verify.Model.Sweeps;

/// <summary>
/// Run seeds drawn by name from one sweep seed, for sweeps of many seeds per configuration (the
/// paper's 32): seed k is <c>Seeds.Of(sweepSeed, "sweep-run", k)</c>, so the runs of two sweeps
/// with different sweep seeds share no stream, and each run's own streams (teacher, inputs,
/// student, batches) are derived from its run seed by name in turn.
/// </summary>
public static class SweepSeeds
{
    public const string StreamName = "sweep-run";

    public static long[] Draw(long sweepSeed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Enumerable.Range(0, count).Select(k => Seeds.Of(sweepSeed, StreamName, k)).ToArray();
    }
}
