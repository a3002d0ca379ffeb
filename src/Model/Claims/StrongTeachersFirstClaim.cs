using System.Globalization;

namespace Verify.Model.Claims;

/// <summary>
/// One training run's coverage history: for each lowest-layer teacher node, the first epoch at
/// which max_k rho_jk &gt; tau on the analysis inputs (null: never within the run), and the teacher's
/// fan-out norms ||v*_j||. Produced by <c>Experiments.FirstCoverage</c>, the one place that computes it.
/// </summary>
public sealed record CoverageTimeline(string Case, int?[] FirstCoveredEpoch, double[] TeacherFanOutNorms, int EpochsRun)
{
    /// <summary>First-covered epoch with "never" ranked after every epoch of the run.</summary>
    public double[] EpochOrNever => FirstCoveredEpoch.Select(e => (double)(e ?? EpochsRun + 1)).ToArray();
}

/// <summary>The numbers of claim 5 over runs.</summary>
public sealed record StrongFirstNumbers(int Runs, int Conclusive, int Successes, double PValue, double Alpha, int RunsNeeded,
    double MeanRankCorrelation, double MinStrengthRatio) : ClaimNumbers;

/// <summary>
/// Claim 5 (strong teachers first): the epoch at which a teacher node is first covered grows with its
/// fan-out weakness 1 / ||v*_j||. Each run is a case. Hypotheses on a case: the teachers' strengths
/// differ (the strongest fan-out at least <see cref="MinStrengthRatio"/> times the weakest) and the
/// run resolves an order (not every teacher first covered in the same epoch, or never); a case that
/// misses one is inconclusive. A conclusive case succeeds when the Spearman correlation between
/// weakness and first-covered epoch is positive; over conclusive cases a one-sided sign test
/// against "success probability 1/2" (no ordering) must reach significance alpha, with at least
/// <see cref="Statistics.MinimumTrials"/> conclusive cases (fewer: inconclusive).
/// The report (the paper's success-rate sweep) and the property tests (small problems) both call
/// this judge.
/// </summary>
public static class StrongTeachersFirstClaim
{
    /// <summary>Strongest over weakest fan-out norm a run needs for its teachers to have an order of strength.</summary>
    public const double MinStrengthRatio = 2;

    public static ClaimInfo Info { get; } = new("strong-teachers-first",
        "Teacher nodes with stronger fan-out are specialized (first covered at rho > 0.95) earlier: rank correlation of weakness and first-covered epoch positive in more runs than chance",
        "abstract; notes section 3, claim 5; success-rate figure");

    /// <summary>
    /// The verdict over <paramref name="runs"/>. <paramref name="weakness"/> maps a run to one
    /// weakness per teacher (default 1 / ||v*_j||); the negative control passes the reverse.
    /// </summary>
    public static ClaimOutcome<StrongFirstNumbers> Judge(IReadOnlyList<CoverageTimeline> runs, double alpha = 0.05, Func<CoverageTimeline, double[]>? weakness = null)
    {
        weakness ??= DefaultWeakness;
        var cases = runs.Select(r =>
        {
            var ratio = r.TeacherFanOutNorms.Max() / Math.Max(r.TeacherFanOutNorms.Min(), 1e-300);
            var rho = r.TeacherFanOutNorms.Length < 2 ? double.NaN : Statistics.Spearman(weakness(r), r.EpochOrNever);
            string? missed = r.TeacherFanOutNorms.Length < 2 ? "hypothesis missed: fewer than two teacher nodes"
                : ratio < MinStrengthRatio ? FormattableString.Invariant($"hypothesis missed: strengths within a factor {ratio:0.##} < {MinStrengthRatio}")
                : double.IsNaN(rho) ? "no order resolved: every teacher first covered in the same epoch (or never)"
                : null;
            return (Run: r, Rho: rho, Missed: missed);
        }).ToArray();
        var conclusive = cases.Where(c => c.Missed is null).ToArray();
        var successes = conclusive.Count(c => c.Rho > 0);
        var needed = Statistics.MinimumTrials(alpha);
        var pValue = Statistics.BinomialUpperTail(successes, conclusive.Length, 0.5);
        var verdict = conclusive.Length < needed ? Verdict.Inconclusive : pValue <= alpha ? Verdict.Holds : Verdict.Fails;
        var perRun = string.Join("; ", cases.Select(c => FormattableString.Invariant($"{c.Run.Case}: rho {c.Rho:0.##}, epochs [{string.Join(", ", c.Run.FirstCoveredEpoch.Select(e => e?.ToString(CultureInfo.InvariantCulture) ?? "never"))}]{(c.Missed is null ? "" : $" ({c.Missed})")}")));
        var evidence = (FormattableString.Invariant($"{successes}/{conclusive.Length} conclusive runs (of {runs.Count}) with positive rank correlation between weakness and first-covered epoch ") +
            FormattableString.Invariant($"(sign-test p = {pValue:G3}, alpha = {alpha}, at least {needed} conclusive runs needed); per run {perRun}"));
        return new ClaimOutcome<StrongFirstNumbers>(Info, verdict, evidence,
            new StrongFirstNumbers(runs.Count, conclusive.Length, successes, pValue, alpha, needed,
                conclusive.Select(c => c.Rho).DefaultIfEmpty(double.NaN).Average(), MinStrengthRatio))
        {
            ConclusionObserved = pValue <= alpha,
            Reason = verdict == Verdict.Inconclusive ? $"{conclusive.Length} conclusive runs, {needed} needed for the sign test" : null,
            Cases = new CaseCounts(runs.Count, successes, conclusive.Length - successes, runs.Count - conclusive.Length),
        };
    }

    static double[] DefaultWeakness(CoverageTimeline run) => run.TeacherFanOutNorms.Select(n => 1 / Math.Max(n, 1e-300)).ToArray();
}
