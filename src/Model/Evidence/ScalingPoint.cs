namespace Verify.Model.Evidence;

/// <summary>The ladder of one (K, d, seed): the runs tried, in increasing N, up to the first that specialized; BoundSamples is the bound's N in whole triplets.</summary>
public sealed record ScalingPoint(int K, int D, int SeedIndex, ScalingData Data, int BoundSamples, int[] Ladder, IReadOnlyList<ScalingRun> Runs)
{
    /// <summary>N*: the smallest N of the ladder at which the run reached the gradient level and every teacher was specialized; null when none did.</summary>
    public int? NStar(double threshold) => Runs.FirstOrDefault(r => r.ReachedLevel && r.Specialized(threshold))?.Samples;

    /// <summary>The ladder reached the bound's own size (so a run there that reached the level without specializing refutes the bound).</summary>
    public bool LadderReachesBound => Ladder.Length > 0 && Ladder[^1] >= BoundSamples;
}
