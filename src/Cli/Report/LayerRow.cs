using Verify.Model;
using Verify.Model.Evidence;
using Verify.Model.Sweeps;
using static Verify.Cli.Report.OutputJson;

namespace Verify.Cli.Report;

/// <summary>
/// One row of layers: one hidden layer of a multi-layer run (layer 1 is the lowest, next to the
/// input). <c>mean_best_corr</c> is the mean over the layer's teacher nodes of each node's best
/// correlation with a student node of the same layer, on the evaluation inputs;
/// <c>frac_above_tau</c> the share of them above <c>tau</c> (null for the paper's set-up, which
/// records only the mean). A number that was not finite is null with its flag true.
/// </summary>
public sealed record LayerRow(
    string RunId, string Experiment, int Layer, int TeacherWidth, int StudentWidth,
    double? MeanBestCorr, bool MeanBestCorrNonfinite, double Tau, double? FracAboveTau, bool FracAboveTauNonfinite)
{
    public const string Table = "layers";

    public static IEnumerable<LayerRow> From(MultiLayerRun run)
    {
        var c = run.Config;
        var id = SweepJson.RunId(c);
        return run.MeanBestCorrelation.Select((mean, l) => new LayerRow(
            id, "multi-layer", l + 1, c.Widths[l], c.Widths[l] * c.Multi, Finite(mean), NonFinite(mean), Rules.Tau, null, false));
    }

    public static IEnumerable<LayerRow> From(AuthorsMultiLayerRun run, string experiment = "multi-layer.authors")
    {
        var c = run.Config;
        var id = SweepJson.RunId(c);
        var above = run.FractionAbove(Rules.Tau);
        return run.MeanBestCorrelation.Select((mean, l) => new LayerRow(
            id, experiment, l + 1, c.Ks[l], c.Ks[l] * c.NodeMulti, Finite(mean), NonFinite(mean), Rules.Tau,
            run.Diverged ? null : Finite(above[l]), !run.Diverged && NonFinite(above[l])));
    }
}
