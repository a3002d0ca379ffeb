using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Verify.Model.Analysis;

/// <summary>
/// The statistics the verdicts need, from Math.NET Numerics: rank correlation, a one-sided sign
/// test, and the Clopper-Pearson interval of a binomial proportion.
/// </summary>
public static class Statistics
{
    /// <summary>
    /// Spearman rank correlation of <paramref name="a"/> and <paramref name="b"/> (ties get average
    /// ranks); NaN when either has no spread (all ranks equal).
    /// </summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Spearman needs two lists of one length; got {a.Count} and {b.Count}.");
        if (a.Count < 2) throw new ArgumentException($"Spearman needs at least two pairs; got {a.Count}.");
        if (a.Distinct().Count() < 2 || b.Distinct().Count() < 2) return double.NaN;
        return MathNet.Numerics.Statistics.Correlation.Spearman(a, b);
    }

    /// <summary>1-based ranks, ties averaged.</summary>
    public static double[] Ranks(IReadOnlyList<double> values) => values.Ranks(RankDefinition.Average);

    /// <summary>P(X &gt;= successes) for X ~ Binomial(trials, p): the one-sided p-value of a sign test.</summary>
    public static double BinomialUpperTail(int successes, int trials, double p)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"Need 0 <= successes <= trials; got {successes} of {trials}.");
        if (!(p is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"Probability must lie in (0, 1); got {p}.");
        return successes == 0 ? 1 : Math.Clamp(1 - Binomial.CDF(p, trials, successes - 1), 0, 1);
    }

    /// <summary>
    /// The fewest trials for which a sign test at null success probability <paramref name="p"/> can
    /// reach significance <paramref name="alpha"/> at all (every trial a success: p^n &lt;= alpha).
    /// With p = 1/2 and alpha = 0.05 that is 5; fewer seeds cannot support the claim whatever happens.
    /// </summary>
    public static int MinimumTrials(double alpha, double p = 0.5)
    {
        if (!(alpha is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"Significance must lie in (0, 1); got {alpha}.");
        if (!(p is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"Probability must lie in (0, 1); got {p}.");
        return (int)Math.Ceiling(Math.Log(alpha) / Math.Log(p) - 1e-12);
    }

    /// <summary>
    /// The Clopper-Pearson (exact) interval of a binomial proportion with <paramref name="successes"/>
    /// of <paramref name="trials"/>, at confidence 1 - <paramref name="alpha"/> (two-sided): the
    /// beta quantiles B(alpha/2; x, n - x + 1) and B(1 - alpha/2; x + 1, n - x).
    /// </summary>
    public static (double Low, double High) ClopperPearson(int successes, int trials, double alpha = 0.05)
    {
        if (trials < 1 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"Need 0 <= successes <= trials and trials >= 1; got {successes} of {trials}.");
        var low = successes == 0 ? 0 : Beta.InvCDF(successes, trials - successes + 1, alpha / 2);
        var high = successes == trials ? 1 : Beta.InvCDF(successes + 1, trials - successes, 1 - alpha / 2);
        return (low, high);
    }
}
