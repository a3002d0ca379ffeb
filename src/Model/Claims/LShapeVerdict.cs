using System.Globalization;
using Verify.Model.Experiments;

namespace Verify.Model.Claims;

/// <summary>
/// The L-shape figure judged run by run with <see cref="VanishingClaim"/> (the one rule of claim 4),
/// read at the paper's budget (<see cref="VanishingCriteria.AtPaperBudget"/>): every over-realized
/// run is a case, a run of multi 1 is inconclusive (no spare nodes), one failing run fails it.
/// </summary>
public static class LShapeVerdict
{
    /// <summary>The claim-4 verdict of each run, in input order.</summary>
    public static ClaimOutcome<VanishingNumbers>[] Cases(IEnumerable<TwoLayerRun> runs, ClaimInfo info, VanishingCriteria? criteria = null) =>
        runs.Select(r => VanishingClaim.Judge(r.Analysis, criteria ?? VanishingCriteria.AtPaperBudget, info)).ToArray();

    public static ClaimOutcome<TallyNumbers> Judge(IReadOnlyList<TwoLayerRun> runs, ClaimInfo? info = null, VanishingCriteria? criteria = null)
    {
        info ??= VanishingClaim.LShape;
        if (runs.Count == 0) throw new ArgumentException("No runs to judge.", nameof(runs));
        var cases = Cases(runs, info, criteria);
        var tally = CaseTally.Summarize(info, cases, minConclusive: 1);
        var shares = runs.Zip(cases).GroupBy(p => p.First.Config.Multi).OrderBy(g => g.Key)
            .Select(g => FormattableString.Invariant($"multi {g.Key}: {g.Average(p => p.Second.Numbers.NeitherShare):P1}"));
        return tally with { Evidence = $"mean share of nodes that are neither specialized nor vanished: {string.Join(", ", shares)}; {tally.Evidence}" };
    }

    /// <summary>Share of student nodes of one run that are neither specialized nor vanished (the figure's panel titles).</summary>
    public static double NeitherShare(TwoLayerRun run, VanishingCriteria? criteria = null) =>
        VanishingClaim.Judge(run.Analysis, criteria ?? VanishingCriteria.AtPaperBudget).Numbers.NeitherShare;
}
