using Verify.Model.Evidence;

namespace Verify.Model.Claims;

/// <summary>The L-shape tally with the largest fan-out of a node that is neither specialized nor vanished.</summary>
/// <param name="Tally">The case tally (its fields are this record's).</param>
/// <param name="LargestNeitherFanOut">Over over-realized runs, the largest ||v_k|| of a node counted against the claim (0 with none).</param>
/// <param name="LargestNeitherRatio">Over over-realized runs, the largest fan-out of such a node over its own vanishing level (0 with none): it may be another node than the one of <paramref name="LargestNeitherFanOut"/>, since levels differ by teacher.</param>
/// <param name="LargestNeitherRun">The run of <paramref name="LargestNeitherFanOut"/>, or null.</param>
public sealed record LShapeNumbers(
    [property: System.Text.Json.Serialization.JsonIgnore] TallyNumbers Tally, double LargestNeitherFanOut, double LargestNeitherRatio, string? LargestNeitherRun)
    : TallyNumbers(Tally);

/// <summary>
/// The L-shape figure judged run by run with <see cref="VanishingClaim"/> (the one rule of claim 4),
/// read at the paper's budget (<see cref="VanishingCriteria.AtPaperBudget"/>: a node's fan-out is small relative to
/// the fan-out of the teacher it matches best): every over-realized
/// run is a case, a run of multi 1 is inconclusive (no spare nodes), one failing run fails it. A run that stopped before
/// the protocol's end (<see cref="Rules.LShapePaperSteps"/>) is inconclusive: the default size's sweep is reported with its
/// numbers, not judged.
/// </summary>
public static class LShapeVerdict
{
    /// <summary>The claim-4 verdict of each run, in input order.</summary>
    public static ClaimOutcome<VanishingNumbers>[] Cases(IEnumerable<TwoLayerRun> runs, ClaimInfo info, VanishingCriteria? criteria = null) =>
        runs.Select(r => VanishingClaim.Judge(r.Analysis, criteria ?? VanishingCriteria.AtPaperBudget, info)).ToArray();

    public static ClaimOutcome<LShapeNumbers> Judge(IReadOnlyList<TwoLayerRun> runs, ClaimInfo? info = null, VanishingCriteria? criteria = null)
    {
        info ??= VanishingClaim.LShape;
        if (runs.Count == 0) throw new ArgumentException("No runs to judge.", nameof(runs));
        var cases = Cases(runs, info, criteria);
        var tally = CaseTally.Summarize(info, cases, minConclusive: 1);
        var shares = runs.Zip(cases).GroupBy(p => p.First.Config.Multi).OrderBy(g => g.Key)
            .Select(g => FormattableString.Invariant($"multi {g.Key}: {g.Average(p => p.Second.Numbers.NeitherShare):P1}"));
        var overRealized = runs.Zip(cases).Where(p => p.First.Config.Multi > 1).ToArray();
        var worst = overRealized.MaxBy(p => p.Second.Numbers.LargestOffendingFanOut);
        var largest = worst.Second?.Numbers.LargestOffendingFanOut ?? 0;
        var ratio = overRealized.Select(p => p.Second.Numbers.LargestOffendingRatio).DefaultIfEmpty(0).Max();
        var numbers = new LShapeNumbers(tally.Numbers, largest, ratio, largest > 0 ? worst.First!.Config.ToString() : null);
        var evidence = $"mean share of nodes that are neither specialized nor vanished: {string.Join(", ", shares)}; " +
                       (largest > 0 ? FormattableString.Invariant($"largest fan-out of such a node in an over-realized run {largest:G3} ({worst.First!.Config}); largest such fan-out over its node's own vanishing level, over-realized runs: {ratio:0.#}; ") : "no over-realized run has such a node; ") +
                       tally.Evidence;
        var minSteps = (criteria ?? VanishingCriteria.AtPaperBudget).MinSteps;
        var unfinished = runs.Where(r => minSteps > 0 && !((r.Analysis.Training?.Steps ?? 0) >= minSteps)).ToArray();
        var reason = tally.Verdict == Verdict.Inconclusive && unfinished.Length > 0
            ? FormattableString.Invariant($"precondition not reached: {unfinished.Length} of {runs.Count} runs stopped before the protocol's end ({unfinished.Min(r => r.Analysis.Training?.Steps ?? 0)} to {unfinished.Max(r => r.Analysis.Training?.Steps ?? 0)} of {minSteps} steps, max per-sample gradient {unfinished.Min(r => r.Analysis.MaxSampleGradient):G3} to {unfinished.Max(r => r.Analysis.MaxSampleGradient):G3})")
            : tally.Reason;
        return new ClaimOutcome<LShapeNumbers>(tally.Claim, tally.Verdict, evidence, numbers)
        {
            ConclusionObserved = tally.ConclusionObserved, Reason = reason, Cases = tally.Cases, RunSeed = tally.RunSeed,
        };
    }

    /// <summary>Share of student nodes of one run that are neither specialized nor vanished (the figure's panel titles).</summary>
    public static double NeitherShare(TwoLayerRun run, VanishingCriteria? criteria = null) =>
        VanishingClaim.Judge(run.Analysis, criteria ?? VanishingCriteria.AtPaperBudget).Numbers.NeitherShare;
}
