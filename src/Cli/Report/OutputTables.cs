using Verify.Model.Evidence;
using Verify.Model.Runtime;

namespace Verify.Cli.Report;

/// <summary>
/// The analysis tables of a reproduction, in long format, each written as JSON Lines and as Parquet
/// with the same rows: two_layer_runs, multi_layer_runs, layers, epochs and nodes (claims are
/// written by <see cref="ClaimsJson"/>). Every row carries its run's <c>run_id</c>; every table is
/// written, empty or not, so a reader finds the same files after every reproduction.
/// </summary>
public sealed class OutputTables
{
    readonly List<TwoLayerRunRow> twoLayer = [];
    readonly List<MultiLayerRunRow> multiLayer = [];
    readonly List<LayerRow> layers = [];
    readonly List<EpochRow> epochs = [];
    readonly List<NodeRow> nodes = [];

    /// <summary>The tables' names and row types, in the order they are written; claims last.</summary>
    public static IReadOnlyList<(string Table, Type Row)> All { get; } =
    [
        (TwoLayerRunRow.Table, typeof(TwoLayerRunRow)),
        (MultiLayerRunRow.Table, typeof(MultiLayerRunRow)),
        (LayerRow.Table, typeof(LayerRow)),
        (EpochRow.Table, typeof(EpochRow)),
        (NodeRow.Table, typeof(NodeRow)),
        (ClaimRecord.Table, typeof(ClaimRecord)),
    ];

    public void Add(TwoLayerRun run, string experiment)
    {
        twoLayer.Add(TwoLayerRunRow.From(run, experiment));
        epochs.AddRange(EpochRow.From(run, experiment));
        nodes.AddRange(NodeRow.From(run, experiment));
    }

    public void Add(MultiLayerRun run)
    {
        multiLayer.Add(MultiLayerRunRow.From(run));
        layers.AddRange(LayerRow.From(run));
    }

    public void Add(AuthorsMultiLayerRun run)
    {
        multiLayer.Add(MultiLayerRunRow.From(run));
        layers.AddRange(LayerRow.From(run));
        epochs.AddRange(EpochRow.From(run));
        nodes.AddRange(NodeRow.From(run));
    }

    /// <summary>Writes every table as DIR/&lt;table&gt;.jsonl and DIR/&lt;table&gt;.parquet; returns the paths with their row counts.</summary>
    public IReadOnlyList<(string Path, int Rows)> Write(string dir, Provenance provenance) =>
    [
        .. Both(dir, TwoLayerRunRow.Table, twoLayer, provenance),
        .. Both(dir, MultiLayerRunRow.Table, multiLayer, provenance),
        .. Both(dir, LayerRow.Table, layers, provenance),
        .. Both(dir, EpochRow.Table, epochs, provenance),
        .. Both(dir, NodeRow.Table, nodes, provenance),
    ];

    static (string, int)[] Both<T>(string dir, string table, IReadOnlyList<T> rows, Provenance provenance)
    {
        var jsonl = Path.Combine(dir, table + ".jsonl");
        using (var writer = new StreamWriter(jsonl, append: false))
            foreach (var row in rows) writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(row, OutputJson.Options));
        var parquet = Path.Combine(dir, table + ".parquet");
        ParquetTable.Write(parquet, rows, table, provenance);
        return [(jsonl, rows.Count), (parquet, rows.Count)];
    }
}
