using System.Globalization;
using Verify.Model.Experiments;
using Verify.Model.Training;

namespace Verify.Model.Claims;

/// <summary>
/// Reads the evidence of the claims out of the runs of a sweep (plain records, no judging):
/// coverage timelines (claim 5), width series (claim 6), the analysis records (claim 4).
/// </summary>
public static class SweepEvidence
{
    /// <summary>One timeline per run: the first epoch each teacher was covered on eval data.</summary>
    public static CoverageTimeline[] Timelines(IEnumerable<TwoLayerRun> runs) =>
        runs.Select(r => new CoverageTimeline(r.Config.ToString(), r.FirstCoveredEpoch, r.TeacherFanoutNorm, r.EvalLossPerEpoch.Length)).ToArray();

    /// <summary>
    /// One series per (seed, p, data, activation): the runs that differ only in multi, by growing
    /// multi; coverage at the end (eval) and eval loss after the early epoch.
    /// </summary>
    public static WidthSeries[] Widths(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => (r.Config.Seed, r.Config.Decay, r.Config.TrainData, r.Config.Activation, r.Config.M))
            .Where(g => g.Select(r => r.Config.Multi).Distinct().Count() >= 2)
            .Select(g => new WidthSeries(
                FormattableString.Invariant($"seed {g.Key.Seed}, p {g.Key.Decay}"),
                g.OrderBy(r => r.Config.Multi).Select(r => new WidthResult(r.Config.Multi,
                    r.CoveredAtEnd.Count(c => c) / (double)r.Config.M,
                    r.EvalLossPerEpoch.Length >= r.EarlyEpoch ? r.EvalLossPerEpoch[r.EarlyEpoch - 1] : double.NaN)).ToArray()))
            .ToArray();

    /// <summary>The reason the runs cannot be judged (none, or a diverged run), or null.</summary>
    public static string? Unusable<T>(IReadOnlyList<T> runs, Func<T, TrainingOutcome> outcome, Func<T, object> config)
    {
        if (runs.Count == 0) return "no runs";
        var diverged = runs.Where(r => outcome(r) == TrainingOutcome.Diverged).ToArray();
        return diverged.Length > 0 ? $"precondition not reached: {diverged.Length} of {runs.Count} runs diverged, e.g. {config(diverged[0])}" : null;
    }

    public static int Seeds(IEnumerable<TwoLayerRun> runs) => runs.Select(r => r.Config.Seed).Distinct().Count();
}
