using System.Globalization;
using Verify.Model.Analysis;

namespace Verify.Model.Claims;

/// <summary>
/// A claim as the suite judges it: a stable id (the key of <c>claims.json</c>), the statement in
/// words, and where the paper states it (or which experiment of the paper it reads).
/// </summary>
public sealed record ClaimInfo(string Id, string Statement, string PaperRef)
{
    /// <summary>Where a claim has two readings (claims 1, 2 and 4): which one this is; null otherwise.</summary>
    public Reading? Reading { get; init; }

    /// <summary>Where a claim is judged on drawn cases of a family: which one; null otherwise.</summary>
    public string? Family { get; init; }

    public override string ToString() => Id;
}
