using System.Text.Json.Nodes;
using Verify.Model.Runtime;

namespace Verify.Cli.Report;

/// <summary>
/// One claim's verdict as claims.json holds it (one object of <see cref="ClaimsDocument.Claims"/>)
/// and as claims.parquet holds it (one row; there <c>numbers</c> and <c>numbers_nonfinite</c> are
/// JSON text). <see cref="RunId"/> is the id of the reproduction that judged it. docs/outputs.md
/// describes every field.
/// </summary>
public sealed record ClaimRecord(
    string RunId, string Id, string Statement, string PaperRef, string? Reading, string? Family,
    string Outcome, string? Reason,
    int? CasesDrawn, int? Conclusive, int? Holds, int? Fails, int? Inconclusive,
    double? FailureRateUpper95, bool FailureRateUpper95Nonfinite,
    long? RunSeed, string RulesVersion, string RulesHash, string Evidence,
    JsonObject? Numbers, IReadOnlyList<string> NumbersNonfinite)
{
    public const string Table = "claims";
}

/// <summary>claims.json: the provenance of the reproduction, its run id, and one <see cref="ClaimRecord"/> per claim.</summary>
public sealed record ClaimsDocument(Provenance Provenance, string RunId, IReadOnlyList<ClaimRecord> Claims);
