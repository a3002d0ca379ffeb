namespace Verify.Model.Experiments;

/// <summary>Convergence (claim 6): eval loss per epoch, per multi; judged by <see cref="Claims.ConvergenceClaim"/>.</summary>
public static class Convergence
{
    /// <summary>Mean over seeds of log10 eval loss per epoch, per (p, multi).</summary>
    public static IReadOnlyDictionary<(double Decay, int Multi), double[]> Log10EvalLoss(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => (r.Config.Decay, r.Config.Multi)).ToDictionary(g => g.Key, g =>
        {
            var list = g.ToArray();
            var epochs = list.Min(r => r.EvalLossPerEpoch.Length);
            return Enumerable.Range(0, epochs).Select(e => list.Average(r => Math.Log10(r.EvalLossPerEpoch[e]))).ToArray();
        });
}
