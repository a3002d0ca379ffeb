using Verify.Model.Evidence;

namespace Verify.Model.Claims;

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
        var means = MultiLayerRun.MeanPerLayer(runs);
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
