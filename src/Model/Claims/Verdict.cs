using System.Globalization;
using Verify.Model.Analysis;

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
