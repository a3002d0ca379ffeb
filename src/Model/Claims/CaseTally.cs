using System.Globalization;

namespace Verify.Model.Claims;

/// <summary>The numbers of a universal claim judged on many drawn cases.</summary>
/// <param name="CasesDrawn">Cases drawn.</param>
/// <param name="Conclusive">Cases that met every hypothesis and the precondition.</param>
/// <param name="Holds">Conclusive cases whose conclusion held.</param>
/// <param name="Fails">Conclusive cases whose conclusion did not hold (counterexamples).</param>
/// <param name="Inconclusive">Cases that missed a hypothesis or the precondition.</param>
/// <param name="MinConclusive">Conclusive cases the verdict needs before it can hold.</param>
/// <param name="FailureRateUpper95">Upper end of the Clopper-Pearson 95% interval of the failure rate; null with no conclusive case.</param>
/// <param name="PassRate">Holds / conclusive; null with no conclusive case.</param>
/// <param name="PassRateLow95">Lower end of its Clopper-Pearson 95% interval.</param>
/// <param name="PassRateHigh95">Upper end of its Clopper-Pearson 95% interval.</param>
/// <param name="FirstFailure">The evidence of the first failing case, with its replay; null with none.</param>
/// <param name="InconclusiveReasons">Each distinct reason a case was inconclusive, with its count.</param>
public record TallyNumbers(
    int CasesDrawn, int Conclusive, int Holds, int Fails, int Inconclusive, int MinConclusive,
    double? FailureRateUpper95, double? PassRate, double? PassRateLow95, double? PassRateHigh95,
    string? FirstFailure, IReadOnlyList<string> InconclusiveReasons) : ClaimNumbers;

/// <summary>
/// Turns the verdicts of many cases of a universal claim ("for every teacher ...") into one:
/// a single case that fails refutes it; fewer than the required conclusive cases leave it
/// inconclusive (a property must not pass on no evidence); otherwise it holds, with the
/// Clopper-Pearson 95% upper bound on the failure rate that n conclusive cases support.
/// </summary>
public static class CaseTally
{
    /// <summary>One verdict for <paramref name="cases"/>: Fails if any case fails; Inconclusive with fewer than <paramref name="minConclusive"/> conclusive cases; Holds otherwise.</summary>
    public static ClaimOutcome<TallyNumbers> Summarize(ClaimInfo claim, IReadOnlyList<ClaimOutcome> cases, int minConclusive, long? runSeed = null)
    {
        if (cases.Count == 0) throw new ArgumentException($"Claim '{claim.Id}': no cases to summarize.", nameof(cases));
        if (minConclusive < 1) throw new ArgumentOutOfRangeException(nameof(minConclusive), minConclusive, "A verdict needs at least one conclusive case.");
        var counts = CaseCounts.Of(cases);
        var firstFailure = cases.FirstOrDefault(c => c.Verdict == Verdict.Fails);
        var reasons = cases.Where(c => c.Verdict == Verdict.Inconclusive).GroupBy(c => c.Reason ?? "precondition not reached")
            .Select(g => FormattableString.Invariant($"{g.Count()} x {g.Key}")).ToArray();
        var rate = counts.PassRate95;
        var verdict = counts.Fails > 0 ? Verdict.Fails : counts.Conclusive < minConclusive ? Verdict.Inconclusive : Verdict.Holds;
        var numbers = new TallyNumbers(counts.Drawn, counts.Conclusive, counts.Holds, counts.Fails, counts.Inconclusive, minConclusive,
            counts.FailureRateUpper95, rate?.Rate, rate?.Low, rate?.High, firstFailure?.Evidence, reasons);
        var evidence = counts + FormattableString.Invariant($" (at least {minConclusive} conclusive needed)")
            + (reasons.Length == 0 ? "" : $"; inconclusive: {string.Join(", ", reasons)}")
            + (firstFailure is null ? "" : $"; first failure: {firstFailure.Evidence}");
        return new ClaimOutcome<TallyNumbers>(claim, verdict, evidence, numbers)
        {
            ConclusionObserved = counts.Fails == 0 && counts.Holds > 0,
            Reason = verdict == Verdict.Inconclusive ? FormattableString.Invariant($"{counts.Conclusive} conclusive cases, {minConclusive} needed") : null,
            Cases = counts,
            RunSeed = runSeed,
        };
    }
}
