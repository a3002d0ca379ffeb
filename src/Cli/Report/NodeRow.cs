using Verify.Model.Evidence;
using Verify.Model.Sweeps;
using static Verify.Cli.Report.OutputJson;

namespace Verify.Cli.Report;

/// <summary>
/// One row of nodes, the per-node results in long format: one metric of one hidden node of one run.
/// <c>role</c> is teacher or student; <c>node</c> the node's index in its layer from 0 (two-layer
/// teachers in strength order, as in runs.jsonl's arrays); <c>layer</c> the hidden layer (1 = lowest;
/// always 1 in a two-layer run). Metrics of two-layer teachers: <c>best_corr</c>,
/// <c>best_corr_early</c>, <c>fanout_norm</c>, <c>first_covered_epoch</c>, <c>grad_at_first_cover</c>,
/// <c>loss_at_first_cover</c> (the last three null when the teacher was never covered); of two-layer
/// students: <c>best_corr</c>, <c>fanout_norm</c>; of the authors' multi-layer teachers: <c>best_corr</c>.
/// A value that was not finite is null with <c>value_nonfinite</c> true.
/// </summary>
public sealed record NodeRow(string RunId, string Experiment, int Layer, string Role, int Node, string Metric, double? Value, bool ValueNonfinite)
{
    public const string Table = "nodes";

    static IEnumerable<NodeRow> Of(string id, string experiment, int layer, string role, string metric, IEnumerable<double?> values) =>
        values.Select((v, j) => new NodeRow(id, experiment, layer, role, j, metric, Finite(v), NonFinite(v)));

    static IEnumerable<double?> Numbers(IEnumerable<double> values) => values.Select(v => (double?)v);

    public static IEnumerable<NodeRow> From(TwoLayerRun run, string experiment)
    {
        var id = SweepJson.RunId(run.Config);
        var teachers = run.BestCorrPerTeacher.Length;
        IEnumerable<double?> Optional(double?[]? values) => values ?? new double?[teachers];
        return Of(id, experiment, 1, "teacher", "best_corr", Numbers(run.BestCorrPerTeacher))
            .Concat(Of(id, experiment, 1, "teacher", "best_corr_early", Numbers(run.BestCorrPerTeacherEarly)))
            .Concat(Of(id, experiment, 1, "teacher", "fanout_norm", Numbers(run.TeacherFanoutNorm)))
            .Concat(Of(id, experiment, 1, "teacher", "first_covered_epoch", run.FirstCoveredEpoch.Select(e => (double?)e)))
            .Concat(Of(id, experiment, 1, "teacher", "grad_at_first_cover", Optional(run.GradAtFirstCover)))
            .Concat(Of(id, experiment, 1, "teacher", "loss_at_first_cover", Optional(run.LossAtFirstCover)))
            .Concat(Of(id, experiment, 1, "student", "best_corr", Numbers(run.BestCorrPerStudent)))
            .Concat(Of(id, experiment, 1, "student", "fanout_norm", Numbers(run.StudentFanoutNorm)));
    }

    public static IEnumerable<NodeRow> From(AuthorsMultiLayerRun run, string experiment = "multi-layer.authors")
    {
        var id = SweepJson.RunId(run.Config);
        return run.BestCorrelation.SelectMany((layer, l) => Of(id, experiment, l + 1, "teacher", "best_corr", Numbers(layer)));
    }
}
