using Verify.Model.Training;

namespace Verify.Model.Evidence;

/// <summary>
/// Reads the evidence of the claims out of the runs of a sweep (plain records, no judging):
/// coverage timelines (claims 5 and 6), the analysis records (claim 4).
/// </summary>
public static class SweepEvidence
{
    /// <summary>
    /// One timeline per run (eval data, the run's tau): first-covered epochs with the training loss
    /// and max per-sample gradient there, coverage after the early epoch and at the end, the final
    /// max per-sample gradient. Runs that differ only in multi form a series (same seed, p, data,
    /// activation, m and budget: the same teacher and data, <see cref="Experiments.TwoLayerExperiment.Streams"/>).
    /// </summary>
    public static CoverageTimeline[] Timelines(IEnumerable<TwoLayerRun> runs) =>
        runs.Select(r => new CoverageTimeline(r.Config.ToString(), SeriesKey(r.Config), r.Config.Seed, r.Config.Decay, r.Config.Multi,
            r.FirstCoveredEpoch, r.CoveredEarly, r.CoveredAtEnd, r.EarlyEpoch, r.EvalLossPerEpoch.Length, r.TeacherFanoutNorm,
            r.GradAtFirstCover, r.LossAtFirstCover, r.MaxSampleGrad)).ToArray();

    static string SeriesKey(TwoLayerConfig c) => FormattableString.Invariant(
        $"seed {c.Seed}, p {c.Decay}, m {c.M}, {c.TrainData}, {c.Activation}, N {c.NTrain}, {c.Epochs}x{c.ItersPerEpoch}");

    /// <summary>The reason the runs cannot be judged (none, or a diverged run), or null.</summary>
    public static string? Unusable<T>(IReadOnlyList<T> runs, Func<T, TrainingOutcome> outcome, Func<T, object> config)
    {
        if (runs.Count == 0) return "no runs";
        var diverged = runs.Where(r => outcome(r) == TrainingOutcome.Diverged).ToArray();
        return diverged.Length > 0 ? $"precondition not reached: {diverged.Length} of {runs.Count} runs diverged, e.g. {config(diverged[0])}" : null;
    }

    public static int Seeds(IEnumerable<TwoLayerRun> runs) => runs.Select(r => r.Config.Seed).Distinct().Count();
}
