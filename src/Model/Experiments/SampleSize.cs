using Verify.Model.Claims;

namespace Verify.Model.Experiments;

/// <summary>
/// Coverage against training-set size for teacher-aware and Gaussian training data (claim 3, notes
/// section 4: d = 100, m = 5, p = 1, lr 0.01, batch 16). Coverage is always measured on Gaussian
/// eval data, so both kinds answer the same question: did the student find the teacher's nodes?
/// </summary>
public sealed record SampleSizeSweep(TwoLayerConfig Base, IReadOnlyList<int> Sizes, IReadOnlyList<long> Seeds)
{
    /// <summary>Kinds of training data compared; teacher-aware against Gaussian unless told.</summary>
    public IReadOnlyList<TrainingData> Kinds { get; init; } = [TrainingData.TeacherAware, TrainingData.Gaussian];

    public IReadOnlyList<TwoLayerConfig> Configs() =>
        (from n in Sizes
         from kind in Kinds
         from seed in Seeds
         select Base with { NTrain = n, Batch = Math.Min(Base.Batch, n), TrainData = kind, Seed = seed }).ToArray();

    public override string ToString() => System.FormattableString.Invariant(
        $"d {Base.D}, m {Base.M}, multi {Base.Multi}, p {Base.Decay}, N_train {{{string.Join(",", Sizes)}}}, {Seeds.Count} seeds, {Base.Epochs}x{Base.ItersPerEpoch} iters, batch <= {Base.Batch}, lr {Base.LearningRate}");
}

/// <summary>Mean coverage at tau over seeds, per training-set size, for one kind of data.</summary>
public sealed record CoverageCurve(TrainingData Data, int[] Sizes, double[] Coverage, double[] MeanBestCorrelation);

public static class SampleSize
{
    /// <summary>
    /// "Clearly more": the least gap in mean coverage (fraction of teachers) between teacher-aware
    /// and Gaussian data, averaged over the smaller half of the sizes. With m = 5 teachers, 0.2 is one
    /// teacher node per run on average.
    /// </summary>
    public const double MinCoverageGap = 0.2;

    public static IReadOnlyList<CoverageCurve> Curves(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => r.Config.TrainData).OrderBy(g => g.Key).Select(g =>
        {
            var bySize = g.GroupBy(r => r.Config.NTrain).OrderBy(s => s.Key).ToArray();
            return new CoverageCurve(g.Key,
                bySize.Select(s => s.Key).ToArray(),
                bySize.Select(s => s.Average(r => r.CoveredAtEnd.Count(c => c) / (double)r.Config.M)).ToArray(),
                bySize.Select(s => s.Average(r => r.BestCorrPerTeacher.Average())).ToArray());
        }).ToArray();

    /// <summary>
    /// Holds when, over the smaller half of the sizes, teacher-aware data covers on average at
    /// least <see cref="MinCoverageGap"/> more of the teachers than Gaussian data of the same size.
    /// <paramref name="aware"/> picks the runs that play the teacher-aware part (the negative control
    /// passes <see cref="TrainingData.TeacherAwareOfAnotherTeacher"/>).
    /// </summary>
    public static ClaimOutcome TeacherAwareNeedsFewerSamples(IReadOnlyList<TwoLayerRun> runs, TrainingData aware = TrainingData.TeacherAware)
    {
        var claim = "Sample size: at small N, teacher-aware data covers clearly more teachers than Gaussian data" +
                    (aware == TrainingData.TeacherAware ? "" : $" ({aware} in the teacher-aware part)");
        var numbers = new Dictionary<string, double>();
        if (SuccessRate.Inconclusive(runs, claim, numbers) is { } none) return none;
        var curves = Curves(runs);
        var awareCurve = curves.FirstOrDefault(c => c.Data == aware);
        var gauss = curves.FirstOrDefault(c => c.Data == TrainingData.Gaussian);
        if (awareCurve is null || gauss is null || !awareCurve.Sizes.SequenceEqual(gauss.Sizes))
            return new ClaimOutcome(claim, Verdict.Inconclusive, "needs runs of both kinds of data at the same sizes.", numbers);
        var small = Math.Max(1, (awareCurve.Sizes.Length + 1) / 2);
        for (var i = 0; i < awareCurve.Sizes.Length; i++)
        {
            numbers[$"coverage_teacher_aware_n_{awareCurve.Sizes[i]}"] = awareCurve.Coverage[i];
            numbers[$"coverage_gaussian_n_{awareCurve.Sizes[i]}"] = gauss.Coverage[i];
        }
        var gap = Enumerable.Range(0, small).Average(i => awareCurve.Coverage[i] - gauss.Coverage[i]);
        numbers["small_n_gap"] = gap;
        var evidence = $"mean coverage at tau 0.95 (teacher-aware vs Gaussian): " +
                       string.Join(", ", Enumerable.Range(0, awareCurve.Sizes.Length).Select(i => $"N {awareCurve.Sizes[i]}: {awareCurve.Coverage[i]:0.00} vs {gauss.Coverage[i]:0.00}")) +
                       $"; mean gap over the {small} smallest N {gap:+0.00;-0.00}, required >= {MinCoverageGap}; {SuccessRate.Seeds(runs)} seeds.";
        return new ClaimOutcome(claim, gap >= MinCoverageGap ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }
}
