using System.Globalization;

namespace Verify.Model.Claims;

/// <summary>
/// Turns the verdicts of many cases of a universal claim ("for every teacher ...") into one:
/// a single case that fails refutes it; too many inconclusive cases leave it inconclusive (a
/// property must not pass on no evidence); otherwise it holds.
/// </summary>
public static class CaseTally
{
    /// <summary>
    /// One verdict for <paramref name="cases"/>: Fails if any case fails; Inconclusive if more
    /// than <paramref name="maxInconclusiveFraction"/> of them are inconclusive; Holds otherwise.
    /// Numbers: cases, holds, fails, inconclusive, inconclusive fraction.
    /// </summary>
    public static ClaimOutcome Summarize(string claim, IReadOnlyList<ClaimOutcome> cases, double maxInconclusiveFraction)
    {
        if (cases.Count == 0) throw new ArgumentException($"Claim '{claim}': no cases to summarize.", nameof(cases));
        if (!(maxInconclusiveFraction is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(maxInconclusiveFraction), maxInconclusiveFraction, $"The allowed inconclusive fraction must lie in [0, 1); got {maxInconclusiveFraction}.");
        int holds = cases.Count(c => c.Verdict == Verdict.Holds);
        int fails = cases.Count(c => c.Verdict == Verdict.Fails);
        int inconclusive = cases.Count - holds - fails;
        var fraction = (double)inconclusive / cases.Count;
        var verdict = fails > 0 ? Verdict.Fails
            : fraction > maxInconclusiveFraction ? Verdict.Inconclusive
            : Verdict.Holds;
        var firstFailure = cases.FirstOrDefault(c => c.Verdict == Verdict.Fails);
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"{cases.Count} cases: {holds} hold, {fails} fail, {inconclusive} inconclusive ({fraction:P0}, at most {maxInconclusiveFraction:P0} allowed)")
            + (firstFailure is null ? "" : $"; first failure: {firstFailure.Evidence}");
        return new ClaimOutcome(claim, verdict, evidence, new Dictionary<string, double>
        {
            ["cases"] = cases.Count,
            ["holds"] = holds,
            ["fails"] = fails,
            ["inconclusive"] = inconclusive,
            ["inconclusive fraction"] = fraction,
        })
        { ConclusionObserved = fails == 0 && holds > 0 };
    }
}
