namespace Verify.Model.Experiments;

/// <summary>Mean and spread over seeds of one value.</summary>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Sd">Sample standard deviation over seeds (0 with one seed).</param>
/// <param name="Min">Smallest seed's value.</param>
/// <param name="Max">Largest seed's value.</param>
/// <param name="Seeds">Seeds.</param>
public sealed record Spread(double Mean, double Sd, double Min, double Max, int Seeds)
{
    public static Spread Of(IReadOnlyCollection<double> values) => values.Count == 0
        ? new Spread(double.NaN, double.NaN, double.NaN, double.NaN, 0)
        : new Spread(values.Average(), values.Count < 2 ? 0 : MathNet.Numerics.Statistics.Statistics.StandardDeviation(values), values.Min(), values.Max(), values.Count);
}

/// <summary>The final log10 eval loss of one (p, multi) group, over seeds.</summary>
public sealed record FinalLoss(double Decay, int Multi, Spread Log10EvalLoss);

/// <summary>
/// The paper's convergence figure: log10 eval loss (the paper's axis, mean squared error over
/// samples and outputs) per epoch, per (p, multi), with its spread over seeds. Reported, not judged:
/// the paper claims "more teachers specialized in fewer iterations" (judged by
/// <see cref="Claims.OverRealizationClaim"/>), not a lower final loss at a fixed budget, and the
/// authors' procedure at the paper's size gives a final loss that does not fall with multi at p = 0.
/// </summary>
public static class Convergence
{
    /// <summary>Per (p, multi) and epoch, the spread over seeds of log10 eval loss (epochs: the shortest run's).</summary>
    public static IReadOnlyDictionary<(double Decay, int Multi), Spread[]> Log10EvalLoss(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => (r.Config.Decay, r.Config.Multi)).ToDictionary(g => g.Key, g =>
        {
            var list = g.ToArray();
            var epochs = list.Min(r => r.EvalLossPerEpoch.Length);
            return Enumerable.Range(0, epochs).Select(e => Spread.Of(list.Select(r => Math.Log10(r.EvalLossPerEpoch[e])).ToArray())).ToArray();
        });

    /// <summary>The final log10 eval loss per (p, multi), ordered by p then multi (the report's table).</summary>
    public static IReadOnlyList<FinalLoss> FinalLoss(IEnumerable<TwoLayerRun> runs) =>
        runs.Where(r => r.EvalLossPerEpoch.Length > 0).GroupBy(r => (r.Config.Decay, r.Config.Multi)).OrderBy(g => g.Key.Decay).ThenBy(g => g.Key.Multi)
            .Select(g => new FinalLoss(g.Key.Decay, g.Key.Multi, Spread.Of(g.Select(r => Math.Log10(r.EvalLossPerEpoch[^1])).ToArray()))).ToArray();
}
