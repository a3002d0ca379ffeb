using Verify.Model.Analysis;
using Verify.Model.Evidence;

namespace Verify.Model.Claims;

/// <summary>One paired comparison of a sign test: how many series favoured the claim, how many were not ties, and its p-value.</summary>
/// <param name="Successes">Series whose rank correlation with multi is positive.</param>
/// <param name="Trials">Series that are not ties (rank correlation defined and non-zero).</param>
/// <param name="PValue">One-sided sign test against success probability 1/2 (1 with no trial).</param>
public sealed record SignTest(int Successes, int Trials, double PValue);

/// <summary>The numbers of claim 6 over paired series.</summary>
/// <param name="Series">Series judged (runs that differ only in multi).</param>
/// <param name="Successes">Series in which both statistics favour the larger student.</param>
/// <param name="PValue">The larger of the two sign tests' p-values (the verdict's).</param>
/// <param name="Alpha">Significance.</param>
/// <param name="SeriesNeeded">Non-tied series each test needs before it can reach alpha.</param>
/// <param name="MeanCoveragePerWidth">Per multi, mean over series of the share of teachers covered after the early epoch.</param>
/// <param name="Multis">The multis, ascending.</param>
/// <param name="EarlyCoverage">Sign test of "coverage after the early epoch rises with multi".</param>
/// <param name="FirstEpoch">Sign test of "the mean first-covered epoch falls with multi".</param>
/// <param name="MeanFirstEpochPerWidth">Per multi, mean over series of the mean first-covered epoch ("never" = epochs + 1).</param>
/// <param name="SdCoveragePerWidth">Per multi, the standard deviation over series of the early coverage.</param>
/// <param name="SdFirstEpochPerWidth">Per multi, the standard deviation over series of the mean first-covered epoch.</param>
public sealed record OverRealizationNumbers(int Series, int Successes, double PValue, double Alpha, int SeriesNeeded,
    IReadOnlyList<double> MeanCoveragePerWidth, IReadOnlyList<int> Multis, SignTest EarlyCoverage, SignTest FirstEpoch,
    IReadOnlyList<double> MeanFirstEpochPerWidth, IReadOnlyList<double> SdCoveragePerWidth, IReadOnlyList<double> SdFirstEpochPerWidth) : ClaimNumbers;

/// <summary>
/// Claim 6 (over-realization helps: "more teachers specialized in fewer iterations"), a paired test
/// over series of runs that share teacher, data and budget and differ only in the student's width.
/// Two statistics per run: the share of teachers covered after the early epoch ("more teachers"), and
/// the mean over teachers of the epoch each is first covered, "never" ranked after the last epoch
/// ("fewer iterations"). In each series the Spearman correlation of multi with each statistic is a
/// success when it favours the wider student (positive for coverage, negative for the epoch), a
/// failure when it favours the narrower one, and a tie when it is 0 or undefined (the statistic is
/// equal at every width). Per statistic, a one-sided sign test over the non-tied series against
/// success probability 1/2 (no effect of width). Holds when both tests reach alpha; inconclusive when
/// a test has fewer non-tied series than <see cref="Statistics.MinimumTrials"/> and the other does
/// not fail; fails otherwise. The final loss is not judged (the report tabulates it). The report (the
/// paper's success-rate sweep) and the property tests (small problems) both call this judge.
/// </summary>
public static class OverRealizationClaim
{
    public static ClaimInfo Info { get; } = new("over-realization-helps",
        "More student nodes on the same teacher and data specialize more teachers in fewer iterations: coverage after the early epoch rises and the mean first-covered epoch falls with multi, each in more paired series than chance (sign tests)",
        "abstract (earlier version); notes section 3, claim 6; success-rate figure");

    /// <param name="runs">Coverage histories; runs with one <see cref="CoverageTimeline.Series"/> form a series.</param>
    /// <param name="alpha">Significance of each sign test.</param>
    public static ClaimOutcome<OverRealizationNumbers> Judge(IReadOnlyList<CoverageTimeline> runs, double alpha = Rules.Alpha)
    {
        var series = runs.GroupBy(r => r.Series).Select(g => g.OrderBy(r => r.Multi).ToArray()).Where(s => s.Select(r => r.Multi).Distinct().Count() >= 2).ToArray();
        if (series.Length == 0) throw new ArgumentException("No series of runs that differ in multi.", nameof(runs));
        var coverage = series.Select(s => Favour(s, r => r.EarlyCoverage, +1)).ToArray();
        var epoch = series.Select(s => Favour(s, r => r.MeanFirstCoveredEpoch, -1)).ToArray();
        var needed = Statistics.MinimumTrials(alpha);
        var coverageTest = Test(coverage);
        var epochTest = Test(epoch);
        bool Significant(SignTest t) => t.Trials >= needed && t.PValue <= alpha;
        bool Refuted(SignTest t) => t.Trials >= needed && t.PValue > alpha;
        var verdict = Significant(coverageTest) && Significant(epochTest) ? Verdict.Holds
            : Refuted(coverageTest) || Refuted(epochTest) ? Verdict.Fails
            : Verdict.Inconclusive;
        var successes = Enumerable.Range(0, series.Length).Count(i => coverage[i] > 0 && epoch[i] > 0);
        var against = Enumerable.Range(0, series.Length).Count(i => coverage[i] < 0 || epoch[i] < 0);
        var multis = series.SelectMany(s => s.Select(r => r.Multi)).Distinct().Order().ToArray();
        double[] Per(Func<CoverageTimeline, double> stat, Func<double[], double> summary) =>
            multis.Select(m => summary(series.SelectMany(s => s.Where(r => r.Multi == m)).Select(stat).ToArray())).ToArray();
        var meanCoverage = Per(r => r.EarlyCoverage, v => v.Average());
        var meanEpoch = Per(r => r.MeanFirstCoveredEpoch, v => v.Average());
        var perSeries = string.Join("; ", series.Select(s => $"{s[0].Series}: " +
            string.Join(" ", s.Select(r => FormattableString.Invariant($"x{r.Multi} cov@{r.EarlyEpoch} {r.EarlyCoverage:0.##} first {r.MeanFirstCoveredEpoch:0.#}")))));
        var evidence = FormattableString.Invariant($"over {series.Length} series (runs differing only in multi [{string.Join(", ", multis)}]): coverage after the early epoch rises with multi in {coverageTest.Successes} of {coverageTest.Trials} non-tied series (sign-test p = {coverageTest.PValue:G3}), ") +
                       FormattableString.Invariant($"the mean first-covered epoch falls in {epochTest.Successes} of {epochTest.Trials} (p = {epochTest.PValue:G3}); alpha {alpha}, at least {needed} non-tied series per test; ") +
                       "mean early coverage per multi " + string.Join(", ", multis.Select((m, i) => FormattableString.Invariant($"x{m} {meanCoverage[i]:0.00}"))) +
                       ", mean first-covered epoch per multi " + string.Join(", ", multis.Select((m, i) => FormattableString.Invariant($"x{m} {meanEpoch[i]:0.0}"))) + $"; per series {perSeries}";
        var reason = verdict != Verdict.Inconclusive ? null
            : FormattableString.Invariant($"non-tied series: {coverageTest.Trials} for early coverage, {epochTest.Trials} for the first-covered epoch; {needed} needed per sign test");
        return new ClaimOutcome<OverRealizationNumbers>(Info, verdict, evidence,
            new OverRealizationNumbers(series.Length, successes, Math.Max(coverageTest.PValue, epochTest.PValue), alpha, needed, meanCoverage, multis,
                coverageTest, epochTest, meanEpoch, Per(r => r.EarlyCoverage, Sd), Per(r => r.MeanFirstCoveredEpoch, Sd)))
        {
            ConclusionObserved = Significant(coverageTest) && Significant(epochTest),
            Reason = reason,
            Cases = new CaseCounts(series.Length, successes, against, series.Length - successes - against),
        };
    }

    /// <summary>+1 when the series' statistic moves with multi in the direction <paramref name="sign"/>, -1 against it, 0 for a tie.</summary>
    static int Favour(CoverageTimeline[] series, Func<CoverageTimeline, double> statistic, int sign)
    {
        var rho = Statistics.Spearman(series.Select(r => (double)r.Multi).ToArray(), series.Select(statistic).ToArray());
        return double.IsNaN(rho) || rho == 0 ? 0 : Math.Sign(rho) * sign;
    }

    static SignTest Test(int[] favour)
    {
        var trials = favour.Count(f => f != 0);
        var successes = favour.Count(f => f > 0);
        return new SignTest(successes, trials, Statistics.BinomialUpperTail(successes, trials, 0.5));
    }

    static double Sd(double[] v) => v.Length < 2 ? 0 : MathNet.Numerics.Statistics.Statistics.StandardDeviation(v);
}
