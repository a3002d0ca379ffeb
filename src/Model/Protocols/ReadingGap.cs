namespace Verify.Model.Protocols;

/// <summary>The gap between the two readings of one claim at one activation and family.</summary>
/// <param name="Claim">The claim's id without its reading.</param>
/// <param name="Conclusive">Conclusive cases (the readings share the precondition).</param>
/// <param name="PaperFailsHyperplaneHolds">Cases where only a verified mirror, affine group or cancelling group stands in.</param>
/// <param name="BothFail">Cases that fail under both readings.</param>
/// <param name="Low95">Clopper-Pearson 95% interval of the gap's rate.</param>
/// <param name="High95">Its upper end.</param>
public sealed record ReadingGap(string Claim, int Conclusive, int PaperFailsHyperplaneHolds, int BothFail, double Low95, double High95)
{
    public double Rate => Conclusive == 0 ? double.NaN : PaperFailsHyperplaneHolds / (double)Conclusive;
}
