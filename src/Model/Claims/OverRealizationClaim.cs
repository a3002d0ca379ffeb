using System.Globalization;

namespace Verify.Model.Claims;

/// <summary>
/// One student width on one seed: coverage at the end of the budget, and the loss at a fixed early
/// checkpoint of the same run (the paper: more nodes specialize more teachers in fewer iterations).
/// </summary>
public sealed record WidthResult(int Multi, double Coverage, double Loss);

/// <summary>
/// Claim 6 (over-realization helps): on the same seeds and budget, as multi grows, coverage does not
/// fall and the loss falls. A seed succeeds when coverage is non-decreasing along its whole sequence
/// of widths (in the order given) and the loss at the last width is below the loss at the first;
/// over seeds, a one-sided sign test against success probability 1/2 (without an effect the loss
/// comparison alone is a coin flip) must reach significance alpha, with at least
/// <see cref="Statistics.MinimumTrials"/> seeds. Per-seed strict monotonicity of the loss is not
/// asked: once several widths have converged, their last digits of loss order at random.
/// </summary>
public static class OverRealizationClaim
{
    public const string Name = "over-realization helps";

    /// <param name="runs">Per seed, results in the order of growing width (the control passes them reversed).</param>
    /// <param name="alpha">Significance of the sign test.</param>
    public static ClaimOutcome Judge(IReadOnlyList<(long Seed, IReadOnlyList<WidthResult> Widths)> runs, double alpha = 0.05)
    {
        if (runs.Any(r => r.Widths.Count < 2)) throw new ArgumentException("Each seed needs results at two or more widths.", nameof(runs));
        bool Monotone(IReadOnlyList<WidthResult> w) =>
            Enumerable.Range(1, w.Count - 1).All(i => w[i].Coverage >= w[i - 1].Coverage) && w[^1].Loss < w[0].Loss;
        var successes = runs.Count(r => Monotone(r.Widths));
        var needed = Statistics.MinimumTrials(alpha);
        var pValue = Statistics.BinomialUpperTail(successes, runs.Count, 0.5);
        var verdict = runs.Count < needed ? Verdict.Inconclusive : pValue <= alpha ? Verdict.Holds : Verdict.Fails;
        var perSeed = string.Join("; ", runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"seed {r.Seed}: ") +
            string.Join(" ", r.Widths.Select(w => string.Create(CultureInfo.InvariantCulture, $"x{w.Multi} cov {w.Coverage:0.##} loss {w.Loss:G3}")))));
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"{successes}/{runs.Count} seeds with coverage non-decreasing and loss lower at the last than at the first of multi " +
            $"[{string.Join(", ", runs.First().Widths.Select(w => w.Multi))}] (sign-test p = {pValue:G3}, alpha = {alpha}, at least {needed} seeds needed); {perSeed}");
        return new ClaimOutcome(Name, verdict, evidence, new Dictionary<string, double>
        {
            ["seeds"] = runs.Count,
            ["successes"] = successes,
            ["p value"] = pValue,
            ["seeds needed"] = needed,
        })
        { ConclusionObserved = pValue <= alpha };
    }
}
