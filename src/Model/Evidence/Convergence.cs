namespace Verify.Model.Evidence;

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
