using System.Globalization;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Model.Claims;

/// <summary>What the exact-fit construction measures: loss and max per-sample gradient on the data.</summary>
public sealed record ExactFitEvidence(string Case, int Samples, double Loss, double MaxSampleGradient)
{
    public static ExactFitEvidence Measure(RectifiedNetwork student, Dataset data, string? description = null)
    {
        var (loss, maxGrad) = SgdTrainer.Measure(student, data);
        return new ExactFitEvidence(description ?? $"student {student}", data.Count, loss, maxGrad);
    }
}

public sealed record ExactFitNumbers(double Loss, double MaxSampleGradient, double Zero) : ClaimNumbers;

/// <summary>
/// Claim 7 (exact fit at a specialized point): a student built from positively scaled co-linear
/// copies of the teacher's nodes, with fan-outs adding back to the teacher's and zero fan-out on
/// extra nodes, has zero loss and zero per-sample gradient. "Zero" is the float64 round-off level
/// the caller passes.
/// </summary>
public static class ExactFitClaim
{
    public static ClaimInfo Info { get; } = new("exact-fit",
        "A student of positively scaled co-linear copies of the teacher's nodes (fan-outs adding back, extra nodes at zero fan-out) has zero loss and zero per-sample gradient",
        "notes section 3, claim 7");

    public static ClaimOutcome<ExactFitNumbers> Judge(ExactFitEvidence e, double zero)
    {
        if (!(zero > 0)) throw new ArgumentOutOfRangeException(nameof(zero), zero, "The zero level must be > 0.");
        var conclusion = e.Loss <= zero && e.MaxSampleGradient <= zero;
        return Outcome.Judged(Info, null, conclusion,
            FormattableString.Invariant($"{e.Case} on N = {e.Samples}: loss {e.Loss:G3}, max per-sample gradient {e.MaxSampleGradient:G3} (zero level {zero:G3})"),
            new ExactFitNumbers(e.Loss, e.MaxSampleGradient, zero));
    }

    public static ClaimOutcome<ExactFitNumbers> Judge(RectifiedNetwork student, Dataset data, double zero) => Judge(ExactFitEvidence.Measure(student, data), zero);
}
