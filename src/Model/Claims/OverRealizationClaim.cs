using System.Globalization;

namespace Verify.Model.Claims;

/// <summary>
/// One student width of a paired series: coverage at the end of the budget, and the loss at a fixed
/// early checkpoint of the same run (the paper: more nodes specialize more teachers in fewer iterations).
/// </summary>
public sealed record WidthResult(int Multi, double Coverage, double Loss);

/// <summary>Runs that differ only in the student's width (same teacher, data and budget), in the order of growing width.</summary>
public sealed record WidthSeries(string Case, IReadOnlyList<WidthResult> Widths);

/// <summary>The numbers of claim 6 over paired series.</summary>
public sealed record OverRealizationNumbers(int Series, int Successes, double PValue, double Alpha, int SeriesNeeded,
    IReadOnlyList<double> MeanCoveragePerWidth, IReadOnlyList<int> Multis) : ClaimNumbers;

/// <summary>
/// Claim 6 (over-realization helps): on the same teacher, data and budget, as multi grows, coverage
/// does not fall and the early loss falls. A series succeeds when coverage is non-decreasing along
/// its widths (in the order given) and the loss at the last width is below the loss at the first;
/// over series, a one-sided sign test against success probability 1/2 (without an effect the loss
/// comparison alone is a coin flip) must reach significance alpha, with at least
/// <see cref="Statistics.MinimumTrials"/> series. The report (the paper's sweep, one series per seed
/// and p) and the property tests (small problems) both call this judge.
/// </summary>
public static class OverRealizationClaim
{
    public static ClaimInfo Info { get; } = new("over-realization-helps",
        "More student nodes (larger multi) on the same teacher and data: coverage does not fall and the early loss falls, in more paired series than chance",
        "abstract (earlier version); notes section 3, claim 6; success-rate figure");

    /// <param name="runs">Per series, results in the order of growing width (the control passes them reversed).</param>
    /// <param name="alpha">Significance of the sign test.</param>
    public static ClaimOutcome<OverRealizationNumbers> Judge(IReadOnlyList<WidthSeries> runs, double alpha = 0.05)
    {
        if (runs.Count == 0) throw new ArgumentException("No series to judge.", nameof(runs));
        if (runs.Any(r => r.Widths.Count < 2)) throw new ArgumentException("Each series needs results at two or more widths.", nameof(runs));
        static bool Monotone(IReadOnlyList<WidthResult> w) =>
            Enumerable.Range(1, w.Count - 1).All(i => w[i].Coverage >= w[i - 1].Coverage) && w[^1].Loss < w[0].Loss;
        var successes = runs.Count(r => Monotone(r.Widths));
        var needed = Statistics.MinimumTrials(alpha);
        var pValue = Statistics.BinomialUpperTail(successes, runs.Count, 0.5);
        var verdict = runs.Count < needed ? Verdict.Inconclusive : pValue <= alpha ? Verdict.Holds : Verdict.Fails;
        var multis = runs[0].Widths.Select(w => w.Multi).ToArray();
        var meanCoverage = Enumerable.Range(0, multis.Length).Select(i => runs.Where(r => r.Widths.Count > i).Average(r => r.Widths[i].Coverage)).ToArray();
        var perSeries = string.Join("; ", runs.Select(r => $"{r.Case}: " +
            string.Join(" ", r.Widths.Select(w => FormattableString.Invariant($"x{w.Multi} cov {w.Coverage:0.##} loss {w.Loss:G3}")))));
        var evidence = (FormattableString.Invariant($"{successes}/{runs.Count} series with coverage non-decreasing and loss lower at the last than at the first of multi ") +
            FormattableString.Invariant($"[{string.Join(", ", multis)}] (sign-test p = {pValue:G3}, alpha = {alpha}, at least {needed} series needed); {perSeries}"));
        return new ClaimOutcome<OverRealizationNumbers>(Info, verdict, evidence,
            new OverRealizationNumbers(runs.Count, successes, pValue, alpha, needed, meanCoverage, multis))
        {
            ConclusionObserved = pValue <= alpha,
            Reason = verdict == Verdict.Inconclusive ? $"{runs.Count} series, {needed} needed for the sign test" : null,
            Cases = new CaseCounts(runs.Count, successes, runs.Count - successes, 0),
        };
    }
}
