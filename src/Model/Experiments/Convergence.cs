using Verify.Model.Claims;

namespace Verify.Model.Experiments;

/// <summary>Convergence (claim 6): eval loss per epoch, per multi; the final eval loss falls as multi grows.</summary>
public static class Convergence
{
    /// <summary>
    /// Slack, in decades of eval loss, allowed between consecutive multis: seed-to-seed spread of
    /// log10 eval loss at the default size is about 0.2 decades.
    /// </summary>
    public const double DecadeSlack = 0.25;

    /// <summary>Mean over seeds of log10 eval loss per epoch, per (p, multi).</summary>
    public static IReadOnlyDictionary<(double Decay, int Multi), double[]> Log10EvalLoss(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => (r.Config.Decay, r.Config.Multi)).ToDictionary(g => g.Key, g =>
        {
            var list = g.ToArray();
            var epochs = list.Min(r => r.EvalLossPerEpoch.Length);
            return Enumerable.Range(0, epochs).Select(e => list.Average(r => Math.Log10(r.EvalLossPerEpoch[e]))).ToArray();
        });

    /// <summary>
    /// Holds when, for every p &gt;= <paramref name="minDecay"/>, the final mean log10 eval loss at the
    /// largest multi is below that at the smallest, and no step up in multi raises it by more than
    /// <see cref="DecadeSlack"/>. Smaller p are reported but not judged: with equal-strength teachers
    /// (p = 0) a student of the teacher's own width (multi 1) can reach an exact fit before
    /// wider students do (observed at the default size: log10 eval loss about -9 at multi 1).
    /// </summary>
    public static ClaimOutcome LossFallsWithMulti(IReadOnlyList<TwoLayerRun> runs, double minDecay = 1)
    {
        var claim = $"Convergence: eval loss decreases with multi (p >= {minDecay})";
        var numbers = new Dictionary<string, double>();
        if (SuccessRate.Inconclusive(runs, claim, numbers) is { } none) return none;
        var curves = Log10EvalLoss(runs);
        var parts = new List<string>();
        var outside = new List<string>();
        var holds = true;
        var judged = 0;
        foreach (var p in curves.Keys.Select(k => k.Decay).Distinct().Order())
        {
            var final = curves.Where(c => c.Key.Decay == p).OrderBy(c => c.Key.Multi).Select(c => (c.Key.Multi, Loss: c.Value[^1])).ToArray();
            foreach (var (multi, loss) in final) numbers[$"log10_eval_loss_p_{p}_multi_{multi}"] = loss;
            var text = $"p {p}: " + string.Join(", ", final.Select(f => $"{f.Loss:0.00} (multi {f.Multi})"));
            if (p < minDecay) { outside.Add(text); continue; }
            if (final.Length < 2) continue;
            var ok = final[^1].Loss < final[0].Loss && final.Zip(final.Skip(1)).All(s => s.Second.Loss <= s.First.Loss + DecadeSlack);
            holds &= ok;
            judged++;
            parts.Add(text + (ok ? "" : " [not decreasing]"));
        }
        if (judged == 0) return new ClaimOutcome(claim, Verdict.Inconclusive, $"no p >= {minDecay} with two or more multis.", numbers);
        var evidence = $"final mean log10 eval loss: {string.Join("; ", parts)}; slack {DecadeSlack} decades between neighbours; {SuccessRate.Seeds(runs)} seeds" +
                       (outside.Count > 0 ? $"; not judged (p < {minDecay}): {string.Join("; ", outside)}." : ".");
        return new ClaimOutcome(claim, holds ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }
}
