using Verify.Model.Evidence;

namespace Verify.Model.Claims;

/// <summary>
/// Every threshold of <see cref="StrongTeachersFirstByGradientClaim"/>, each with its reason. Fixed
/// before the judge saw a run; a change re-runs the wide tier.
/// </summary>
public static class StrongFirstByGradientRules
{
    /// <summary>Runs below this p are not judged: the epoch reading's minimum (<see cref="StrongTeachersFirstClaim.MinDecay"/>), so both readings judge the same runs.</summary>
    public const double MinDecay = StrongTeachersFirstClaim.MinDecay;

    /// <summary>The strongest and the weakest 1/3 of the teachers (at least one each) are compared, as the epoch reading and the success-rate figure compare them.</summary>
    public const int Thirds = Rules.StrongFirstThirds;

    /// <summary>The share of runs with strong &gt; weak that teachers of equal strength give (the thirds are exchangeable and ties are left out): the claim must beat it.</summary>
    public const double NullShare = Rules.StrongFirstGradientNullShare;

    /// <summary>One-sided 95%, the level of every verdict of the suite.</summary>
    public const double Alpha = Rules.Alpha;

    /// <summary>With fewer usable runs even a unanimous one-sided sign test cannot reject 1/2 at 95% (1/2^4 = 0.0625), and a percentile bootstrap of a unanimous share is 1 whatever the count.</summary>
    public const int MinRuns = Rules.StrongFirstGradientMinRuns;

    /// <summary>A percentile bootstrap over fewer seeds has no tail (with 2 seeds a resample repeats the worst one 1 time in 4): the epoch reading's <see cref="StrongTeachersFirstClaim.MinSeeds"/>.</summary>
    public const int MinSeeds = Rules.StrongFirstMinSeeds;

    /// <summary>Bootstrap resamples: the epoch reading's count; the 5% percentile's Monte Carlo error is then about 0.005 of the share's spread.</summary>
    public const int Resamples = Rules.Resamples;
}

/// <summary>One run as the gradient reading sees it: the mean log10 max per-sample gradient at first cover of its strongest and its weakest third.</summary>
/// <param name="Case">The run's configuration.</param>
/// <param name="Seed">The run seed (the bootstrap's unit).</param>
/// <param name="Decay">p.</param>
/// <param name="Multi">Student width over teacher width.</param>
/// <param name="Group">Teachers per third: max(1, m / 3).</param>
/// <param name="StrongCovered">Teachers of the strongest third covered within the run.</param>
/// <param name="WeakCovered">Teachers of the weakest third covered within the run.</param>
/// <param name="StrongLog10Gradient">Mean over the strongest third of log10 max_x ||g_1(x)|| at first cover (a teacher never covered: the run's final gradient).</param>
/// <param name="WeakLog10Gradient">The same for the weakest third.</param>
/// <param name="FinalLog10Gradient">log10 of the run's final max per-sample gradient.</param>
public sealed record GradientReading(string Case, long Seed, double Decay, int Multi, int Group, int StrongCovered, int WeakCovered,
    double StrongLog10Gradient, double WeakLog10Gradient, double FinalLog10Gradient)
{
    /// <summary>A teacher of each third was covered, and both means are finite.</summary>
    public bool Pair => StrongCovered > 0 && WeakCovered > 0 && double.IsFinite(StrongLog10Gradient) && double.IsFinite(WeakLog10Gradient);

    /// <summary>A pair whose two means are equal: both thirds covered at the same epochs, which the per-epoch measurement cannot order.</summary>
    public bool Tie => Pair && StrongLog10Gradient == WeakLog10Gradient;

    /// <summary>A pair that is not a tie: a vote of the sign.</summary>
    public bool Usable => Pair && !Tie;

    /// <summary>A usable pair whose strongest third was first covered at the larger gradient.</summary>
    public bool StrongFirst => Usable && StrongLog10Gradient > WeakLog10Gradient;
}

/// <summary>The numbers of the gradient reading of claim 5.</summary>
/// <param name="Runs">Every judged run (p &gt;= <paramref name="MinDecay"/>, gradient recorded), read.</param>
/// <param name="Judged">Runs with p &gt;= <paramref name="MinDecay"/>.</param>
/// <param name="NotJudged">Runs with p below it.</param>
/// <param name="Unrecorded">Judged runs without a recorded gradient at first cover (left out).</param>
/// <param name="Pairs">Runs with a teacher of each third covered.</param>
/// <param name="WeakNeverCovered">Read runs whose weakest third was never covered (not pairs).</param>
/// <param name="StrongNeverCovered">Read runs whose strongest third was never covered (not pairs).</param>
/// <param name="Ties">Pairs with equal means (left out).</param>
/// <param name="Usable">Pairs that are not ties.</param>
/// <param name="StrongFirst">Usable runs whose strongest third was first covered at the larger gradient.</param>
/// <param name="Seeds">Seeds with a usable run (the bootstrap's units).</param>
/// <param name="Share"><paramref name="StrongFirst"/> / <paramref name="Usable"/>; NaN with none usable.</param>
/// <param name="Lower95">One-sided 95% percentile-bootstrap lower bound of the share, seeds resampled; NaN with none usable.</param>
/// <param name="StrongMeanLog10">Mean over usable runs of the strongest third's mean log10 gradient at first cover.</param>
/// <param name="WeakMeanLog10">The same for the weakest third.</param>
/// <param name="BootstrapSeed">Seed of the bootstrap (<c>Seeds.Of(runSeed, "gradient-bootstrap")</c>).</param>
/// <param name="MinDecay">Smallest p judged.</param>
/// <param name="MinRuns">Usable runs needed.</param>
/// <param name="MinSeeds">Seeds with a usable run needed.</param>
/// <param name="Resamples">Bootstrap resamples.</param>
/// <param name="Alpha">One-sided level of the lower bound.</param>
public sealed record StrongFirstByGradientNumbers(IReadOnlyList<GradientReading> Runs, int Judged, int NotJudged, int Unrecorded, int Pairs,
    int WeakNeverCovered, int StrongNeverCovered, int Ties,
    int Usable, int StrongFirst, int Seeds, double Share, double Lower95, double StrongMeanLog10, double WeakMeanLog10, long BootstrapSeed,
    double MinDecay, int MinRuns, int MinSeeds, int Resamples, double Alpha) : ClaimNumbers;

/// <summary>
/// Claim 5 read against the gradient, beside the epoch reading (<see cref="StrongTeachersFirstClaim"/>):
/// "strong teachers are specialized while the gradient is still large, weak ones only once it is
/// small". The measure of the gradient is the suite's precondition measure, max_x ||g_1(x)|| on the
/// training set (<see cref="Training.SgdTrainer.Measure"/>), taken at the epoch each teacher is first
/// covered (<see cref="CoverageTimeline.GradientAtFirstCover"/>). The rule, fixed before any run was
/// judged (thresholds in <see cref="StrongFirstByGradientRules"/>):
/// <list type="number">
/// <item>Only runs with p &gt;= <see cref="StrongFirstByGradientRules.MinDecay"/> are judged, as in
/// the epoch reading: below it the teachers are of nearly equal strength.</item>
/// <item>Within each run, teachers in strength order, the strongest third (the first max(1, m / 3))
/// is paired with the weakest third (the last as many): the comparison is within one run, so
/// the gradient's scale (which depends on the teacher, the data and the width) cancels.</item>
/// <item>A run is a pair when a teacher of each third was covered: only then are two gradients at
/// specialization compared. A run where one third was never covered would compare a measured
/// gradient with the end of training, which is the epoch reading again.</item>
/// <item>In a pair, a teacher never covered is read as covered at the run's final gradient. For a
/// weak teacher this is the largest value it can take if the gradient does not rise again after
/// the run (it would be covered at or below it), so the reading can only narrow the strong-weak
/// gap, never widen it. A strong teacher never covered is read the same way: both thirds are
/// treated alike, so teachers of equal strength give strong &gt; weak in half the runs, which
/// the negative control checks.</item>
/// <item>Each third's value is its mean log10 gradient (gradients span decades; a mean of logs is
/// not led by one large value). A pair is a vote for the claim when the strongest third's mean
/// is larger; equal means (both thirds covered at the same epochs, which the per-epoch
/// measurement cannot order) are ties and left out, as a sign test leaves them out.</item>
/// <item>The share of votes for the claim among the usable runs (pairs that are not ties) is judged
/// by a one-sided 95% percentile bootstrap that resamples seeds (a seed's runs at every p and
/// multi together: they share the teacher's lowest layer and the data), seeded by
/// <c>Seeds.Of(runSeed, "gradient-bootstrap")</c>: the claim holds when the lower bound is above
/// 1/2, fails otherwise, and is inconclusive with fewer than
/// <see cref="StrongFirstByGradientRules.MinRuns"/> usable runs or
/// <see cref="StrongFirstByGradientRules.MinSeeds"/> seeds with one.</item>
/// </list>
/// The report (the paper's sweep) and the property tests (small problems) both call this judge.
/// </summary>
public static class StrongTeachersFirstByGradientClaim
{
    public static ClaimInfo Info { get; } = new("strong-teachers-first.gradient",
        "Strong teachers first, read on the gradient: within each run with p >= 1, the strongest third of teachers is first covered at a larger max per-sample gradient (mean log10 max_x ||g_1(x)||) than the weakest third, in more than half the runs (95% bootstrap lower bound over seeds > 1/2)",
        "abstract (\"specialized first when the gradient is still large\"); notes section 3, claim 5");

    /// <summary>One run's reading: the means of its strongest and weakest third (teachers in strength order).</summary>
    public static GradientReading Read(CoverageTimeline run)
    {
        var gradients = run.GradientAtFirstCover ?? throw new ArgumentException($"Run {run.Case} recorded no gradient at first cover.", nameof(run));
        var m = gradients.Length;
        var group = Math.Max(1, m / StrongFirstByGradientRules.Thirds);
        var strong = gradients.Take(group).ToArray();
        var weak = gradients.Skip(m - group).ToArray();
        return new GradientReading(run.Case, run.Seed, run.Decay, run.Multi, group, strong.Count(g => g is not null), weak.Count(g => g is not null),
            MeanLog10(strong, run.FinalGradient), MeanLog10(weak, run.FinalGradient), Math.Log10(run.FinalGradient));
    }

    static double MeanLog10(double?[] gradients, double final) => gradients.Average(g => Math.Log10(g ?? final));

    /// <param name="runs">Coverage histories with the gradient at first cover; teachers in strength order.</param>
    /// <param name="runSeed">The run seed the bootstrap seed is named from.</param>
    public static ClaimOutcome<StrongFirstByGradientNumbers> Judge(IReadOnlyList<CoverageTimeline> runs, long runSeed)
    {
        if (runs.Count == 0) throw new ArgumentException("No runs to judge.", nameof(runs));
        var bootstrapSeed = Runtime.Seeds.Of(runSeed, "gradient-bootstrap");
        var judged = runs.Where(r => r.Decay >= StrongFirstByGradientRules.MinDecay).ToArray();
        var readings = judged.Where(r => r.GradientAtFirstCover is not null).Select(Read).ToArray();
        var usable = readings.Where(r => r.Usable).ToArray();
        var seeds = usable.GroupBy(r => r.Seed).OrderBy(g => g.Key).Select(g => (For: g.Count(r => r.StrongFirst), Runs: g.Count())).ToArray();
        var strongFirst = usable.Count(r => r.StrongFirst);
        var share = usable.Length == 0 ? double.NaN : strongFirst / (double)usable.Length;
        var lower = seeds.Length == 0 ? double.NaN : LowerBound(seeds, bootstrapSeed);
        var numbers = new StrongFirstByGradientNumbers(readings, judged.Length, runs.Count - judged.Length, judged.Length - readings.Length,
            readings.Count(r => r.Pair), readings.Count(r => r.WeakCovered == 0), readings.Count(r => r.StrongCovered == 0), readings.Count(r => r.Tie), usable.Length, strongFirst, seeds.Length, share, lower,
            usable.Select(r => r.StrongLog10Gradient).DefaultIfEmpty(double.NaN).Average(), usable.Select(r => r.WeakLog10Gradient).DefaultIfEmpty(double.NaN).Average(),
            bootstrapSeed, StrongFirstByGradientRules.MinDecay, StrongFirstByGradientRules.MinRuns, StrongFirstByGradientRules.MinSeeds,
            StrongFirstByGradientRules.Resamples, StrongFirstByGradientRules.Alpha);
        var missed = judged.Length == 0 ? FormattableString.Invariant($"hypothesis missed: no p >= {StrongFirstByGradientRules.MinDecay}")
            : usable.Length < StrongFirstByGradientRules.MinRuns ? FormattableString.Invariant($"hypothesis missed: {usable.Length} usable runs (pairs that are not ties), {StrongFirstByGradientRules.MinRuns} needed")
            : seeds.Length < StrongFirstByGradientRules.MinSeeds ? FormattableString.Invariant($"hypothesis missed: {seeds.Length} seeds with a usable run, {StrongFirstByGradientRules.MinSeeds} needed for the bootstrap")
            : null;
        var conclusion = lower > StrongFirstByGradientRules.NullShare;
        return Outcome.Judged(Info, missed, conclusion, Evidence(numbers, conclusion), numbers);
    }

    /// <summary>The one-sided percentile-bootstrap lower bound of the share of votes for the claim, seeds (with their runs' votes) resampled.</summary>
    static double LowerBound((int For, int Runs)[] seeds, long bootstrapSeed)
    {
        var rng = new Random(unchecked((int)bootstrapSeed ^ (int)(bootstrapSeed >> 32)));
        var shares = new double[StrongFirstByGradientRules.Resamples];
        for (var b = 0; b < shares.Length; b++)
        {
            int votes = 0, total = 0;
            for (var i = 0; i < seeds.Length; i++)
            {
                var (f, n) = seeds[rng.Next(seeds.Length)];
                votes += f;
                total += n;
            }
            shares[b] = votes / (double)total;
        }
        return StrongTeachersFirstClaim.Percentile(shares, StrongFirstByGradientRules.Alpha);
    }

    static string Evidence(StrongFirstByGradientNumbers n, bool conclusion)
    {
        var votes = n.Usable == 0
            ? "no usable run (a pair whose thirds were first covered at different gradients): nothing to compare; "
            : FormattableString.Invariant($"the strongest third first covered at a larger max per-sample gradient than the weakest third in {n.StrongFirst} of {n.Usable} usable runs ") +
              FormattableString.Invariant($"(share {n.Share:0.00}, one-sided 95% bootstrap lower bound {n.Lower95:0.00} over {n.Seeds} seeds, above {StrongFirstByGradientRules.NullShare} needed{(conclusion ? "" : " [not above]")}); ") +
              FormattableString.Invariant($"mean log10 gradient at first cover over those runs: strongest third {n.StrongMeanLog10:0.00}, weakest third {n.WeakMeanLog10:0.00}; ");
        return votes +
               FormattableString.Invariant($"{n.Judged} runs with p >= {n.MinDecay} ({n.NotJudged} below, not judged): {n.Pairs} pairs (a teacher of each third covered; one never covered read at its run's final gradient), ") +
               FormattableString.Invariant($"{n.WeakNeverCovered} with the weakest third never covered, {n.StrongNeverCovered} with the strongest, {n.Ties} ties (equal means) left out") +
               (n.Unrecorded > 0 ? FormattableString.Invariant($", {n.Unrecorded} without a recorded gradient left out") : "") +
               FormattableString.Invariant($"; percentile bootstrap over seeds, {n.Resamples} resamples, seed {n.BootstrapSeed}.");
    }
}
