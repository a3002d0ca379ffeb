namespace Verify.Model.Evidence;

/// <summary>Mean and spread over seeds of one value.</summary>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Sd">Sample standard deviation over seeds (0 with one seed).</param>
/// <param name="Min">Smallest seed's value.</param>
/// <param name="Max">Largest seed's value.</param>
/// <param name="Seeds">Seeds.</param>
public sealed record Spread(double Mean, double Sd, double Min, double Max, int Seeds)
{
    public static Spread Of(IReadOnlyCollection<double> values) => values.Count == 0
        ? new Spread(double.NaN, double.NaN, double.NaN, double.NaN, 0)
        : new Spread(values.Average(), values.Count < 2 ? 0 : MathNet.Numerics.Statistics.Statistics.StandardDeviation(values), values.Min(), values.Max(), values.Count);
}
