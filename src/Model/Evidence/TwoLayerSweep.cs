namespace Verify.Model.Evidence;

/// <summary>
/// A grid of two-layer runs: every decay p x seed x multi on top of one base configuration.
/// </summary>
public sealed record TwoLayerSweep(TwoLayerConfig Base, IReadOnlyList<int> Multis, IReadOnlyList<double> Decays, IReadOnlyList<long> Seeds)
{
    public IReadOnlyList<TwoLayerConfig> Configs() =>
        (from p in Decays from seed in Seeds from multi in Multis select Base with { Decay = p, Seed = seed, Multi = multi }).ToArray();

    public override string ToString() => System.FormattableString.Invariant(
        $"d {Base.D}, m {Base.M}, multi {{{string.Join(",", Multis)}}}, p {{{string.Join(",", Decays)}}}, {Seeds.Count} seeds ({string.Join(",", Seeds)}), {Base.Activation}, N_train {Base.NTrain}, N_eval {Base.NEval}, {Base.Epochs}x{Base.ItersPerEpoch} iters, batch {Base.Batch}, lr {Base.LearningRate}");
}
