namespace Verify.Model.Evidence;

/// <summary>
/// The authors' multi-layer figure as a sweep: every training-set size of <paramref name="Sizes"/>
/// (ascending) for every seed of <paramref name="Seeds"/>, on one base configuration.
/// </summary>
public sealed record AuthorsMultiLayerSweep(AuthorsMultiLayerConfig Base, IReadOnlyList<int> Sizes, IReadOnlyList<long> Seeds)
{
    /// <summary>One configuration per size and seed, sizes ascending, seeds in order within a size.</summary>
    public IReadOnlyList<AuthorsMultiLayerConfig> Configs() =>
        Sizes.Order().SelectMany(n => Seeds.Select(s => Base with { NTrain = n, Seed = s })).ToArray();

    /// <summary>
    /// Per hidden layer, the spread over <paramref name="runs"/> of the mean best correlation at
    /// each training-set size (ascending): the figure's lines and bands.
    /// </summary>
    public static LayerCurve[] Curves(IReadOnlyList<AuthorsMultiLayerRun> runs)
    {
        if (runs.Count == 0) return [];
        var sizes = runs.Select(r => r.Config.NTrain).Distinct().Order().ToArray();
        return Enumerable.Range(0, runs[0].MeanBestCorrelation.Length).Select(l => new LayerCurve(l + 1, sizes,
            sizes.Select(n => Spread.Of(runs.Where(r => r.Config.NTrain == n).Select(r => r.MeanBestCorrelation[l]).ToArray())).ToArray())).ToArray();
    }

    public override string ToString() => $"{Base.Shape}; N {string.Join(", ", Sizes.Order())}; seeds {string.Join(",", Seeds)}";
}
