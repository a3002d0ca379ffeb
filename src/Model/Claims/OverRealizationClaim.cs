using System.Globalization;

namespace Verify.Model.Claims;

/// <summary>One student width on one seed: coverage and loss after a fixed budget.</summary>
public sealed record WidthResult(int Multi, double Coverage, double Loss);

/// <summary>
/// Claim 6 (over-realization helps): on the same seed and budget, as multi grows, coverage does not
/// fall and the final loss falls. A seed succeeds when both hold along its whole sequence of widths
/// (in the order given); over seeds, a one-sided sign test against success probability 1/2 (a
/// conservative null: without an effect a monotone order is at most that likely) must reach
/// significance alpha, with at least <see cref="Statistics.MinimumTrials"/> seeds.
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
            Enumerable.Range(1, w.Count - 1).All(i => w[i].Coverage >= w[i - 1].Coverage && w[i].Loss < w[i - 1].Loss);
        var successes = runs.Count(r => Monotone(r.Widths));
        var needed = Statistics.MinimumTrials(alpha);
        var pValue = Statistics.BinomialUpperTail(successes, runs.Count, 0.5);
        var verdict = runs.Count < needed ? Verdict.Inconclusive : pValue <= alpha ? Verdict.Holds : Verdict.Fails;
        var perSeed = string.Join("; ", runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"seed {r.Seed}: ") +
            string.Join(" ", r.Widths.Select(w => string.Create(CultureInfo.InvariantCulture, $"x{w.Multi} cov {w.Coverage:0.##} loss {w.Loss:G3}")))));
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"{successes}/{runs.Count} seeds with coverage non-decreasing and loss falling along multi " +
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
