namespace Verify.Model.Evidence;

public static class SampleSize
{
    public static IReadOnlyList<CoverageCurve> Curves(IEnumerable<TwoLayerRun> runs) =>
        runs.GroupBy(r => r.Config.TrainData).OrderBy(g => g.Key).Select(g =>
        {
            var bySize = g.GroupBy(r => r.Config.NTrain).OrderBy(s => s.Key).ToArray();
            return new CoverageCurve(g.Key,
                bySize.Select(s => s.Key).ToArray(),
                bySize.Select(s => s.Average(Coverage)).ToArray(),
                bySize.Select(s => s.Average(r => r.BestCorrPerTeacher.Average())).ToArray())
            {
                CoverageMin = bySize.Select(s => s.Min(Coverage)).ToArray(),
                CoverageMax = bySize.Select(s => s.Max(Coverage)).ToArray(),
            };
        }).ToArray();

    static double Coverage(TwoLayerRun r) => r.CoveredAtEnd.Count(c => c) / (double)r.Config.M;
}
