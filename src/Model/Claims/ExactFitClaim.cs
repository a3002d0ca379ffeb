using System.Globalization;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Model.Claims;

/// <summary>
/// Claim 7 (exact fit at a specialized point): a student built from positively scaled co-linear
/// copies of the teacher's nodes, with fan-outs adding back to the teacher's and zero fan-out on
/// extra nodes, has zero loss and zero per-sample gradient. "Zero" is the float64 round-off level
/// the caller passes.
/// </summary>
public static class ExactFitClaim
{
    public const string Name = "exact fit at a specialized point";

    public static ClaimOutcome Judge(RectifiedNetwork student, Dataset data, double zero)
    {
        if (!(zero > 0)) throw new ArgumentOutOfRangeException(nameof(zero), zero, "The zero level must be > 0.");
        var (loss, maxGrad) = SgdTrainer.Measure(student, data);
        var conclusion = loss <= zero && maxGrad <= zero;
        return new ClaimOutcome(Name, conclusion ? Verdict.Holds : Verdict.Fails,
            string.Create(CultureInfo.InvariantCulture, $"student {student} on N = {data.Count}: loss {loss:G3}, max per-sample gradient {maxGrad:G3} (zero level {zero:G3})"),
            new Dictionary<string, double> { ["loss"] = loss, ["max sample gradient"] = maxGrad })
        { ConclusionObserved = conclusion };
    }
}
