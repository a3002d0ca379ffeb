using Verify.Model.Claims;

namespace Verify.Model.Protocols;

/// <summary>One drawn case and its verdict for one claim.</summary>
public sealed record CaseVerdict(SmallProblem Problem, ClaimOutcome Outcome);
