using Verify.Model.Analysis;
using Verify.Model.Evidence;

namespace Verify.Model.Claims;

/// <summary>The drop of one decay p: its mean over seeds and the bootstrap lower bound.</summary>
/// <param name="Decay">p.</param>
/// <param name="Seeds">Seeds with runs at this p.</param>
/// <param name="Drop">Mean over seeds of each seed's drop (its runs' mean <see cref="CoverageTimeline.Drop"/>).</param>
/// <param name="Lower95">One-sided 95% percentile-bootstrap lower bound of <paramref name="Drop"/>, seeds resampled.</param>
/// <param name="Judged">p &gt;= the judged minimum.</param>
/// <param name="StrengthRatio">Mean over runs of the strongest over the weakest teacher fan-out norm.</param>
public sealed record DecayDrop(double Decay, int Seeds, double Drop, double Lower95, bool Judged, double StrengthRatio);

/// <summary>The numbers of claim 5.</summary>
/// <param name="Drops">Per p (ascending), the drop and its lower bound.</param>
/// <param name="MinDecay">Smallest p judged.</param>
/// <param name="MinSeeds">Seeds a judged p needs (fewer: inconclusive).</param>
/// <param name="Resamples">Bootstrap resamples.</param>
/// <param name="BootstrapSeed">Seed of the bootstrap (<c>Seeds.Of(runSeed, "bootstrap")</c>).</param>
/// <param name="TrendRankCorrelation">Spearman correlation of p and the drop over every p; NaN with fewer than <see cref="StrongTeachersFirstClaim.MinTrendDecays"/> values of p.</param>
/// <param name="TrendLow95">2.5% bootstrap percentile of the trend's rank correlation.</param>
/// <param name="TrendHigh95">97.5% bootstrap percentile.</param>
/// <param name="TrendJudged">Whether the trend entered the verdict (enough values of p).</param>
/// <param name="Runs">Runs read.</param>
/// <param name="Alpha">One-sided level of the drops' lower bounds (two-sided for the trend's interval).</param>
public sealed record StrongFirstNumbers(IReadOnlyList<DecayDrop> Drops, double MinDecay, int MinSeeds, int Resamples, long BootstrapSeed,
    double TrendRankCorrelation, double TrendLow95, double TrendHigh95, bool TrendJudged, int Runs, double Alpha) : ClaimNumbers;

/// <summary>
/// Claim 5 (strong teachers first), read as the paper's success-rate figure shows it: teachers are
/// in strength order, and for every decay p &gt;= <see cref="MinDecay"/> the share of the strongest
/// third covered exceeds the share of the weakest third (mean of the early and the end reading):
/// the drop's one-sided 95% bootstrap lower bound over seeds is above 0. Where the sweep has at
/// least <see cref="MinTrendDecays"/> values of p, the drop also grows with p as a trend: the
/// Spearman correlation of p and the drop has a 95% bootstrap interval above 0 (a rank trend, not a
/// strict order between neighbouring p). The bootstrap resamples seeds (a seed's runs at every p
/// and multi together: they share the teacher's grid draw and data) with the seed
/// <c>Seeds.Of(runSeed, "bootstrap")</c>. A judged p with fewer than <see cref="MinSeeds"/> seeds, or
/// no p &gt;= <see cref="MinDecay"/>, leaves the claim inconclusive. The report (the paper's sweep)
/// and the property tests (small problems) both call this judge.
/// </summary>
public static class StrongTeachersFirstClaim
{
    /// <summary>p below this has teachers of nearly equal strength (1 / 2^0.5 = 0.7 between the first two at p 0.5): reported, not judged.</summary>
    public const double MinDecay = Rules.StrongFirstMinDecay;

    /// <summary>A percentile bootstrap over fewer seeds has no tail: with 2 seeds a resample repeats the worst one 1 time in 4.</summary>
    public const int MinSeeds = Rules.StrongFirstMinSeeds;

    /// <summary>A rank correlation over fewer values of p takes only the values +-1.</summary>
    public const int MinTrendDecays = Rules.StrongFirstMinTrendDecays;

    /// <summary>Level of the bounds: one-sided 95% for each drop, two-sided 95% for the trend.</summary>
    public const double Alpha = Rules.Alpha;

    /// <summary>Bootstrap resamples: the 5% percentile's Monte Carlo error is then about 0.005 of the drop's spread.</summary>
    public const int Resamples = Rules.Resamples;

    public static ClaimInfo Info { get; } = new("strong-teachers-first",
        "Strong teachers first: for every p >= 1 the success rate of the strongest third of teachers exceeds the weakest third's (95% bootstrap lower bound over seeds > 0), and the drop grows with p (rank correlation's 95% interval > 0, where 3 or more p)",
        "abstract; notes section 3, claim 5; success-rate figure");

    /// <param name="runs">Coverage histories; teachers in strength order.</param>
    /// <param name="runSeed">The run seed the bootstrap seed is named from.</param>
    public static ClaimOutcome<StrongFirstNumbers> Judge(IReadOnlyList<CoverageTimeline> runs, long runSeed)
    {
        if (runs.Count == 0) throw new ArgumentException("No runs to judge.", nameof(runs));
        var bootstrapSeed = Runtime.Seeds.Of(runSeed, "bootstrap");
        var decays = runs.Select(r => r.Decay).Distinct().Order().ToArray();
        var seeds = runs.Select(r => r.Seed).Distinct().Order().ToArray();
        // perSeed[p][s]: seed s's drop at decay p (mean over its runs), NaN where it has none.
        var perSeed = decays.Select(p => seeds.Select(s => runs.Where(r => r.Decay == p && r.Seed == s).Select(r => r.Drop).DefaultIfEmpty(double.NaN).Average()).ToArray()).ToArray();
        var rng = new Random(unchecked((int)bootstrapSeed ^ (int)(bootstrapSeed >> 32)));
        var resampled = new double[Resamples][];
        var pick = new int[seeds.Length];
        for (var b = 0; b < Resamples; b++)
        {
            for (var i = 0; i < pick.Length; i++) pick[i] = rng.Next(seeds.Length);
            resampled[b] = perSeed.Select(drops => MeanOver(drops, pick)).ToArray();
        }
        var all = Enumerable.Range(0, seeds.Length).ToArray();
        var drops = decays.Select((p, i) =>
        {
            var group = runs.Where(r => r.Decay == p).ToArray();
            var lower = Percentile(resampled.Select(d => d[i]), Alpha);
            var ratio = group.Average(r => r.TeacherFanOutNorms.Length == 0 ? double.NaN : r.TeacherFanOutNorms.Max() / Math.Max(r.TeacherFanOutNorms.Min(), 1e-300));
            return new DecayDrop(p, group.Select(r => r.Seed).Distinct().Count(), MeanOver(perSeed[i], all), lower, p >= MinDecay, ratio);
        }).ToArray();
        var trendJudged = decays.Length >= MinTrendDecays;
        double trend = double.NaN, low = double.NaN, high = double.NaN;
        if (trendJudged)
        {
            trend = RankTrend(decays, drops.Select(d => d.Drop).ToArray());
            var trends = resampled.Select(d => RankTrend(decays, d)).ToArray();
            (low, high) = (Percentile(trends, Alpha / 2), Percentile(trends, 1 - Alpha / 2));
        }
        var judged = drops.Where(d => d.Judged).ToArray();
        var missed = judged.Length == 0 ? FormattableString.Invariant($"hypothesis missed: no p >= {MinDecay}")
            : judged.FirstOrDefault(d => d.Seeds < MinSeeds) is { } few ? FormattableString.Invariant($"hypothesis missed: {few.Seeds} seeds at p {few.Decay}, {MinSeeds} needed for the bootstrap")
            : null;
        var dropsPositive = judged.Length > 0 && judged.All(d => d.Lower95 > 0);
        var conclusion = dropsPositive && (!trendJudged || low > 0);
        var perDecay = string.Join("; ", drops.Select(d => FormattableString.Invariant(
            $"p {d.Decay}: drop {d.Drop:+0.00;-0.00;0.00} (95% lower bound {d.Lower95:+0.00;-0.00;0.00}, {d.Seeds} seeds, strength ratio {d.StrengthRatio:0.#}){(d.Judged ? d.Lower95 > 0 ? "" : " [not positive]" : " [not judged]")}")));
        var trendText = trendJudged
            ? FormattableString.Invariant($"trend in p: Spearman {trend:0.00} (95% interval {low:0.00} to {high:0.00}){(low > 0 ? "" : " [not above 0]")}")
            : FormattableString.Invariant($"trend in p not judged ({decays.Length} values of p, {MinTrendDecays} needed)");
        var evidence = FormattableString.Invariant($"strongest-third minus weakest-third success rate (mean of early and end), per p: {perDecay}; {trendText}; ") +
                       FormattableString.Invariant($"percentile bootstrap over {seeds.Length} seeds, {Resamples} resamples, seed {bootstrapSeed}.");
        return Outcome.Judged(Info, missed, conclusion, evidence,
            new StrongFirstNumbers(drops, MinDecay, MinSeeds, Resamples, bootstrapSeed, trend, low, high, trendJudged, runs.Count, Alpha));
    }

    /// <summary>Spearman correlation of p and the drop; a resample whose drops are all equal shows no trend (0).</summary>
    static double RankTrend(double[] decays, double[] drops)
    {
        var r = Statistics.Spearman(decays, drops);
        return double.IsNaN(r) ? 0 : r;
    }

    static double MeanOver(double[] values, int[] pick)
    {
        double sum = 0;
        var n = 0;
        foreach (var i in pick)
            if (!double.IsNaN(values[i])) { sum += values[i]; n++; }
        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>The empirical <paramref name="q"/>-quantile (lower order statistic, no interpolation): the percentile bootstrap's bound.</summary>
    internal static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted[Math.Clamp((int)Math.Floor(q * sorted.Length), 0, sorted.Length - 1)];
    }
}
