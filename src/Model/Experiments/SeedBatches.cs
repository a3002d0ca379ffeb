using Verify.Model.Evidence;

namespace Verify.Model.Experiments;

/// <summary>
/// How a sweep's configurations are split into batches that train together
/// (<see cref="TwoLayerExperiment.RunBatched"/>): the runs of one seed (<see cref="SeedKey"/>) in
/// batches of whole shapes, fixed by the configurations and never by the worker count.
/// </summary>
public static class SeedBatches
{
    /// <summary>Runs trained together in one batch, at most this many (fixed, so results never depend on the worker count).</summary>
    public const int BatchedRuns = 8;

    /// <summary>What the runs of one seed share besides the seed (<see cref="TwoLayerConfig"/>): they train and are evaluated together.</summary>
    public static string SeedKey(TwoLayerConfig c) =>
        FormattableString.Invariant($"{c.Seed}|{c.D}|{c.M}|{c.Outputs}|{c.Activation}|{c.Batch}|{c.ItersPerEpoch}|{c.NTrain}|{c.NEval}|{c.TrainData}");

    /// <summary>
    /// One seed's runs in batches: items of one width form shape chunks of at most
    /// <see cref="BatchedRuns"/>; the chunks go, the heaviest first (count x width), to the lightest
    /// of max(2, ceil(runs / <see cref="BatchedRuns"/>)) batches (at most one per chunk). Items keep
    /// their order within a batch.
    /// </summary>
    static IEnumerable<T[]> SplitSeed<T>(T[] items, Func<T, int> width)
    {
        var chunks = Enumerable.Range(0, items.Length).GroupBy(i => width(items[i])).SelectMany(g => g.Chunk(BatchedRuns)).ToArray();
        var count = Math.Min(chunks.Length, Math.Max(2, (items.Length + BatchedRuns - 1) / BatchedRuns));
        var batches = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        var load = new long[count];
        foreach (var chunk in chunks.OrderByDescending(c => (long)c.Length * width(items[c[0]])).ThenBy(c => c[0]))
        {
            var target = Enumerable.Range(0, count).OrderBy(b => load[b]).ThenBy(b => b).First();
            batches[target].AddRange(chunk);
            load[target] += (long)chunk.Length * width(items[chunk[0]]);
        }
        return batches.Select(b => b.Order().Select(i => items[i]).ToArray());
    }

    /// <summary>
    /// Every configuration in batches, each item with its index in <paramref name="configs"/>: per
    /// seed, <see cref="SplitSeed"/> over the student widths. Validates every configuration.
    /// </summary>
    public static (TwoLayerConfig Config, int Index)[][] Of(IReadOnlyList<TwoLayerConfig> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        foreach (var c in configs) c.Validate();
        return configs.Select((c, i) => (Config: c, Index: i))
            .GroupBy(x => SeedKey(x.Config))
            .SelectMany(g => SplitSeed(g.ToArray(), x => x.Config.N))
            .ToArray();
    }
}
