namespace Verify.Model.Evidence;

/// <summary>The final log10 eval loss of one (p, multi) group, over seeds.</summary>
public sealed record FinalLoss(double Decay, int Multi, Spread Log10EvalLoss);
