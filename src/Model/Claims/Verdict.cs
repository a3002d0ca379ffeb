namespace Verify.Model.Claims;

/// <summary>What the evidence says about a claim.</summary>
public enum Verdict
{
    /// <summary>The precondition was met and the claim's conclusion was observed.</summary>
    Holds,

    /// <summary>The precondition was met and the conclusion was not observed.</summary>
    Fails,

    /// <summary>The precondition was not reached (for example the per-sample gradient never got
    /// small enough within the budget), or too few cases reached it: no evidence either way.</summary>
    Inconclusive,
}

/// <summary>
/// A claim's verdict with the numbers behind it. The library computes these once; the tests assert
/// them and the `verify` program reports them, so the two cannot disagree.
/// </summary>
/// <param name="Claim">Short name of the claim, e.g. "lowest-layer specialization".</param>
/// <param name="Verdict">Holds, fails or inconclusive.</param>
/// <param name="Evidence">One sentence with the measured numbers, seeds and configuration.</param>
/// <param name="Numbers">The numbers behind the verdict, by name.</param>
public sealed record ClaimOutcome(string Claim, Verdict Verdict, string Evidence, IReadOnlyDictionary<string, double> Numbers)
{
    /// <summary>
    /// Whether the claim's conclusion was seen in the numbers, whatever the precondition: a
    /// negative control breaks a hypothesis and shows the conclusion missing (false), even where
    /// the verdict is <see cref="Verdict.Inconclusive"/> because the precondition was not reached.
    /// Null where a claim does not compute it separately.
    /// </summary>
    public bool? ConclusionObserved { get; init; }

    public override string ToString() => $"{Claim}: {Verdict.ToString().ToLowerInvariant()} ({Evidence})";
}
