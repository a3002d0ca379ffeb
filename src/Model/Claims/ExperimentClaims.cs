using System.Globalization;
using Verify.Model.Experiments;
using Verify.Model.Training;

namespace Verify.Model.Claims;

/// <summary>A value per (p, multi).</summary>
public sealed record DecayMultiValue(double Decay, int Multi, double Value);

/// <summary>A value per multi.</summary>
public sealed record MultiValue(int Multi, double Value);

/// <summary>A value per dataset size.</summary>
public sealed record SizeValue(int Samples, double TeacherAware, double Gaussian);

public sealed record KeepsNumbers(double EarlyMean, double EndMean, double WorstGain, double WorstDecay, int WorstMulti, int EarlyEpoch) : ClaimNumbers;

/// <summary>Training keeps what it found: for every (p, multi) group, the final success rate is at least the rate after the early epoch.</summary>
public static class KeepsWhatItFoundClaim
{
    public static ClaimInfo Info { get; } = new("keeps-what-it-found",
        "Final success rate >= success rate after the early epoch, for every (p, multi)",
        "notes section 4, success-rate figure (after 5 epochs and at the end)");

    public static ClaimOutcome<KeepsNumbers> Judge(IReadOnlyList<TwoLayerRun> runs)
    {
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config);
        if (runs.Count == 0) return Outcome.Judged(Info, missed, false, "no runs.", new KeepsNumbers(double.NaN, double.NaN, double.NaN, double.NaN, 0, 0));
        var curves = SuccessRate.Curves(runs);
        var worst = curves.MinBy(c => c.End.Average() - c.Early.Average())!;
        var numbers = new KeepsNumbers(curves.Average(c => c.Early.Average()), curves.Average(c => c.End.Average()),
            worst.End.Average() - worst.Early.Average(), worst.Decay, worst.Multi, runs[0].EarlyEpoch);
        var evidence = (FormattableString.Invariant($"mean success rate after epoch {numbers.EarlyEpoch}: {numbers.EarlyMean:P0}, at the end (epoch {runs[0].Config.Epochs}): {numbers.EndMean:P0}; ") +
            FormattableString.Invariant($"smallest gain {numbers.WorstGain:+0.00;-0.00;0.00} at p {worst.Decay}, multi {worst.Multi}; {SweepEvidence.Seeds(runs)} seeds."));
        return Outcome.Judged(Info, missed, curves.All(c => c.End.Average() >= c.Early.Average()), evidence, numbers);
    }
}

public sealed record TeacherAwareNumbers(IReadOnlyList<SizeValue> Coverage, double SmallNGap, double MinCoverageGap, int Seeds) : ClaimNumbers;

/// <summary>
/// Claim 3 as the paper's data comparison shows it: over the smaller half of the sizes, teacher-aware
/// training data covers on average at least <see cref="MinCoverageGap"/> more of the teachers than
/// Gaussian data of the same size (coverage on Gaussian eval data).
/// </summary>
public static class TeacherAwareDataClaim
{
    /// <summary>"Clearly more": with m = 5 teachers, 0.2 is one teacher node per run on average.</summary>
    public const double MinCoverageGap = Rules.TeacherAwareMinCoverageGap;

    /// <summary>
    /// Coverages are fractions of whole teachers, so a gap of exactly one teacher in five is 0.2; in
    /// float64 it comes out as 0.6 - 0.4 = 0.19999999999999996. Differences below this are round-off.
    /// </summary>
    public const double RoundOff = 1e-12;

    public static ClaimInfo Info { get; } = new("teacher-aware-data",
        "At small N, teacher-aware training data covers clearly more teacher nodes (mean gap >= 0.2) than Gaussian data of the same size",
        "notes section 4, teacher-aware vs Gaussian data (claim 3)");

    /// <param name="runs">The sample-size sweep.</param>
    /// <param name="aware">The runs that play the teacher-aware part (the negative control passes <see cref="TrainingData.TeacherAwareOfAnotherTeacher"/>).</param>
    public static ClaimOutcome<TeacherAwareNumbers> Judge(IReadOnlyList<TwoLayerRun> runs, TrainingData aware = TrainingData.TeacherAware)
    {
        var curves = SampleSize.Curves(runs);
        var awareCurve = curves.FirstOrDefault(c => c.Data == aware);
        var gauss = curves.FirstOrDefault(c => c.Data == TrainingData.Gaussian);
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config) ??
                     (awareCurve is null || gauss is null || !awareCurve.Sizes.SequenceEqual(gauss.Sizes) ? "hypothesis missed: needs runs of both kinds of data at the same sizes" : null);
        if (awareCurve is null || gauss is null || !awareCurve.Sizes.SequenceEqual(gauss.Sizes))
            return Outcome.Judged(Info, missed, false, "needs runs of both kinds of data at the same sizes.", new TeacherAwareNumbers([], double.NaN, MinCoverageGap, SweepEvidence.Seeds(runs)));
        var small = Math.Max(1, (awareCurve.Sizes.Length + 1) / 2);
        var coverage = awareCurve.Sizes.Select((n, i) => new SizeValue(n, awareCurve.Coverage[i], gauss.Coverage[i])).ToArray();
        var gap = coverage.Take(small).Average(c => c.TeacherAware - c.Gaussian);
        var evidence = "mean coverage at tau 0.95 (" + (aware == TrainingData.TeacherAware ? "teacher-aware" : aware.ToString()) + " vs Gaussian): " +
                       string.Join(", ", coverage.Select(c => FormattableString.Invariant($"N {c.Samples}: {c.TeacherAware:0.00} vs {c.Gaussian:0.00}"))) +
                       FormattableString.Invariant($"; mean gap over the {small} smallest N {gap:+0.00;-0.00}, required >= {MinCoverageGap}; {SweepEvidence.Seeds(runs)} seeds.");
        return Outcome.Judged(Info, missed, gap >= MinCoverageGap - RoundOff, evidence, new TeacherAwareNumbers(coverage, gap, MinCoverageGap, SweepEvidence.Seeds(runs)));
    }
}

/// <param name="MeanBestCorrelationPerLayer">Per hidden layer (lowest first), the mean over runs of the mean over teacher nodes of max_k rho_jk (eval).</param>
/// <param name="Slack">Slack of the ordering.</param>
/// <param name="Runs">Runs judged.</param>
/// <param name="MinLowestLayer">The level the lowest layer must reach.</param>
/// <param name="SdPerLayer">Per layer, the standard deviation over runs.</param>
/// <param name="MinPerLayer">Per layer, the smallest run's value.</param>
public sealed record MultiLayerNumbers(IReadOnlyList<double> MeanBestCorrelationPerLayer, double Slack, int Runs, double MinLowestLayer,
    IReadOnlyList<double> SdPerLayer, IReadOnlyList<double> MinPerLayer) : ClaimNumbers;

/// <summary>
/// Claim 1 for deep networks as the paper's multi-layer experiment shows it: the lowest layer
/// specializes, in absolute terms and against the layers above. Over runs, the lowest layer's mean
/// best correlation (mean over teacher nodes of max over students of eval rho, mean over runs) is at
/// least <see cref="MinLowestLayer"/>, and at least every upper layer's less <see cref="Slack"/>.
/// </summary>
public static class MultiLayerClaim
{
    /// <summary>Slack of the ordering, for layers that are all near 1 (where their order is within the seeds' spread, about 0.01 at the default size).</summary>
    public const double Slack = Rules.MultiLayerSlack;

    /// <summary>
    /// "Specialized" for a layer's mean: the paper's multi-layer plots show the lowest layer's mean
    /// best correlation near 1 once the data suffice; 0.9 sits below the coverage threshold tau = 0.95
    /// (a mean over teacher nodes, not every node) and far above an untrained student's level.
    /// </summary>
    public const double MinLowestLayer = Rules.MultiLayerMinLowestLayer;

    public static ClaimInfo Info { get; } = new("multi-layer",
        "Deep teacher: the lowest layer specializes: its mean best correlation is at least 0.9 and at least every upper layer's (slack 0.02)",
        "abstract (claim 1 at any depth); notes section 4, multi-layer experiment");

    public static ClaimOutcome<MultiLayerNumbers> Judge(IReadOnlyList<MultiLayerRun> runs)
    {
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config);
        if (missed is not null) return Outcome.Judged(Info, missed, false, missed + ".", new MultiLayerNumbers([], Slack, runs.Count, MinLowestLayer, [], []));
        var means = MultiLayer.MeanPerLayer(runs);
        var layers = Enumerable.Range(0, means.Length).Select(l => runs.Select(r => r.MeanBestCorrelation[l]).ToArray()).ToArray();
        var sd = layers.Select(v => v.Length < 2 ? 0 : MathNet.Numerics.Statistics.Statistics.StandardDeviation(v)).ToArray();
        var min = layers.Select(v => v.Min()).ToArray();
        var high = means[0] >= MinLowestLayer;
        var ordered = means.Skip(1).All(m => means[0] >= m - Slack);
        var evidence = "mean over teacher nodes of the best eval correlation, per layer (lowest first; mean, sd and smallest over runs): " +
                       string.Join(", ", means.Select((m, l) => FormattableString.Invariant($"layer {l + 1}: {m:0.000} (sd {sd[l]:0.000}, min {min[l]:0.000})"))) +
                       FormattableString.Invariant($"; lowest layer at least {MinLowestLayer}{(high ? "" : " [below]")}, at least every upper layer less {Slack}{(ordered ? "" : " [an upper layer is higher]")}; {runs.Count} runs ({runs[0].Config}).");
        return Outcome.Judged(Info, null, high && ordered, evidence, new MultiLayerNumbers(means, Slack, runs.Count, MinLowestLayer, sd, min));
    }
}

public sealed record LeakyStrongNumbers(int OverRealizedRuns, int RunsWithStrongThirdCovered) : ClaimNumbers;

/// <summary>Leaky ReLU (claim 1 holds for it too): in every over-realized run each teacher of the strongest third is covered at the end (eval rho &gt; 0.95).</summary>
public static class LeakyStrongTeachersClaim
{
    public static ClaimInfo Info { get; } = new("leaky-strong-teachers",
        "Leaky ReLU: every over-realized run covers each teacher of the strongest third at the end",
        "abstract (leaky ReLU); notes section 4");

    public static ClaimOutcome<LeakyStrongNumbers> Judge(IReadOnlyList<TwoLayerRun> runs)
    {
        if (runs.Any(r => r.Config.Activation.NegativeSlope is <= 0 or >= 1))
            throw new ArgumentException("The leaky variant takes runs with a leaky-ReLU activation only.", nameof(runs));
        var over = runs.Where(r => r.Config.Multi >= 2).ToArray();
        var covered = over.Count(r => r.CoveredAtEnd.Take(Math.Max(1, r.Config.M / 3)).All(c => c));
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config) ?? (over.Length == 0 ? "hypothesis missed: no over-realized run" : null);
        return Outcome.Judged(Info, missed, covered == over.Length,
            $"{covered} of {over.Length} over-realized runs cover every teacher of the strongest third; {SweepEvidence.Seeds(runs)} seeds.",
            new LeakyStrongNumbers(over.Length, covered));
    }
}

public sealed record ImagesNumbers(IReadOnlyList<MultiValue> MeanBestCorrelation, int Seeds) : ClaimNumbers;

/// <summary>On real images: over-realization raises the lowest layer's mean best correlation (the paper's CIFAR-10 figure), smallest against largest multi.</summary>
public static class ImagesOverRealizationClaim
{
    public static ClaimInfo Info { get; } = new("cifar10",
        "CIFAR-10 inputs: over-realization raises the lowest layer's mean best correlation with the teacher",
        "notes section 4, CIFAR-10 (a two-layer random teacher stands in for the paper's CNN)");

    public static ClaimOutcome<ImagesNumbers> Judge(IReadOnlyList<TwoLayerRun> runs, string source)
    {
        var byMulti = runs.GroupBy(r => r.Config.Multi).OrderBy(g => g.Key).Select(g => new MultiValue(g.Key, g.Average(r => r.BestCorrPerTeacher.Average()))).ToArray();
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config) ?? (byMulti.Length < 2 ? "hypothesis missed: needs runs at two multis" : null);
        var evidence = "mean best eval correlation per teacher node: " + string.Join(", ", byMulti.Select(p => FormattableString.Invariant($"multi {p.Multi}: {p.Value:0.000}"))) +
                       $"; {SweepEvidence.Seeds(runs)} seeds; inputs: {source}.";
        return Outcome.Judged(Info, missed, byMulti.Length >= 2 && byMulti[^1].Value > byMulti[0].Value, evidence, new ImagesNumbers(byMulti, SweepEvidence.Seeds(runs)));
    }
}

/// <summary>Which claims each sweep of the paper is judged on, in one place (the report and `verify two-layer` call these).</summary>
public static class SweepClaims
{
    /// <summary>
    /// The claims of the two-layer L-shape sweep and the success-rate sweep; <paramref name="runSeed"/>
    /// names the bootstraps of claim 5 (its epoch and its gradient reading). The convergence figure is reported (<see cref="Convergence.FinalLoss"/>), not judged.
    /// </summary>
    public static ClaimOutcome[] TwoLayer(IReadOnlyList<TwoLayerRun> lshape, IReadOnlyList<TwoLayerRun> success, long runSeed)
    {
        var timelines = SweepEvidence.Timelines(success);
        return
        [
            LShapeVerdict.Judge(lshape),
            timelines.Length > 0 ? StrongTeachersFirstClaim.Judge(timelines, runSeed) : Outcome.NotJudged(StrongTeachersFirstClaim.Info, "no runs"),
            timelines.Length > 0 ? StrongTeachersFirstByGradientClaim.Judge(timelines, runSeed) : Outcome.NotJudged(StrongTeachersFirstByGradientClaim.Info, "no runs"),
            timelines.GroupBy(t => t.Series).Any(g => g.Select(t => t.Multi).Distinct().Count() >= 2)
                ? OverRealizationClaim.Judge(timelines)
                : Outcome.NotJudged(OverRealizationClaim.Info, "hypothesis missed: no runs that differ only in multi"),
            KeepsWhatItFoundClaim.Judge(success),
        ];
    }

    /// <summary>The claims of the leaky-ReLU sweep.</summary>
    public static ClaimOutcome[] Leaky(IReadOnlyList<TwoLayerRun> runs) =>
        [LShapeVerdict.Judge(runs, VanishingClaim.LShapeLeaky), LeakyStrongTeachersClaim.Judge(runs)];
}
