namespace Verify.Model.Evidence;

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
