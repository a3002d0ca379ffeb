namespace Verify.Model.Claims;

/// <summary>The small statistics the over-seeds claims need: ranks and a one-sided sign test.</summary>
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
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            ab += (ra[i] - ma) * (rb[i] - mb);
            aa += (ra[i] - ma) * (ra[i] - ma);
            bb += (rb[i] - mb) * (rb[i] - mb);
        }
        return aa == 0 || bb == 0 ? double.NaN : ab / Math.Sqrt(aa * bb);
    }

    /// <summary>1-based ranks, ties averaged.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var i = start; i <= end; i++) ranks[order[i]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>P(X &gt;= successes) for X ~ Binomial(trials, p): the one-sided p-value of a sign test.</summary>
    public static double BinomialUpperTail(int successes, int trials, double p)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"Need 0 <= successes <= trials; got {successes} of {trials}.");
        if (!(p is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"Probability must lie in (0, 1); got {p}.");
        double tail = 0;
        for (var k = successes; k <= trials; k++)
            tail += Math.Exp(LogChoose(trials, k) + k * Math.Log(p) + (trials - k) * Math.Log(1 - p));
        return Math.Min(1, tail);
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

    static double LogChoose(int n, int k)
    {
        double s = 0;
        for (var i = 1; i <= k; i++) s += Math.Log(n - k + i) - Math.Log(i);
        return s;
    }
}
