using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using NUnit.Framework;
using Parquet;
using Parquet.Schema;
using Shouldly;
using Verify.Cli.Report;
using Verify.Model;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Runtime;
using Verify.Model.Sweeps;

namespace Verify.Experiments.Cli;

/// <summary>
/// The analysis outputs (docs/outputs.md): every Parquet file holds the rows of its JSON Lines,
/// with null and a flag where a number was not finite, and the provenance in its metadata; every
/// JSON output validates against its schema in docs/schemas, and those schemas are the ones the
/// row types generate. Two folders: a small sweep collected through `reproduce`'s writer (two-layer
/// runs and claims), and the tables of a few real multi-layer and diverging runs (seeds 1 and 2).
/// </summary>
[TestFixture]
public sealed class OutputFilesTest
{
    readonly List<string> owned = [];
    string reproduced = "", trained = "";
    AuthorsMultiLayerRun divergedAuthors = null!;
    TwoLayerRun divergedTwoLayer = null!;

    [OneTimeSetUp]
    public void WriteBothFolders()
    {
        reproduced = SweepFixtures.NewFolder(owned);
        SweepFixtures.Plan(reproduced, SweepFixtures.TinyTwoLayer);
        SweepFixtures.Here("sweep", "run", reproduced, "--all").ExitCode.ShouldBe(0);
        var collect = SweepFixtures.Here("sweep", "collect", reproduced);
        collect.ExitCode.ShouldBe(0, collect.ToString());

        trained = SweepFixtures.NewFolder(owned);
        var authors = new AuthorsMultiLayerConfig { D = 8, Ks = [4, 5], NodeMulti = 2, NTrain = 256, NEval = 256, Batch = 32, Epochs = 2, Seed = 1 };
        // At rate 1000 the authors' output bias swings past float64's range within a few hundred steps (CommandTest's diverging run).
        divergedAuthors = AuthorsMultiLayer.Run(authors with { Batch = 8, Epochs = 10, LearningRates = [(0, 1000.0)] });
        divergedTwoLayer = TwoLayerExperiment.Run(new TwoLayerConfig { D = 10, M = 3, Multi = 2, Epochs = 2, ItersPerEpoch = 100, NTrain = 100, NEval = 100, LearningRate = 500, Seed = 1 });
        var completed = AuthorsMultiLayer.Run(authors);
        var paper = Verify.Model.Experiments.MultiLayer.Run(new MultiLayerConfig { D = 8, Widths = [4, 5], Outputs = 5, NTrain = 128, NEval = 128, Batch = 16, Epochs = 2, ItersPerEpoch = 20, Seed = 2 });
        var tables = new OutputTables();
        tables.Add(completed);
        tables.Add(divergedAuthors);
        tables.Add(paper);
        tables.Add(divergedTwoLayer, "two-layer");
        tables.Write(trained, Provenance.OfThisProcess(runSeed: null, withRules: false));
        RunsJsonl.Write(Path.Combine(trained, "runs.jsonl"), [RunsJsonl.Record(completed), RunsJsonl.Record(divergedAuthors), RunsJsonl.Record(paper), RunsJsonl.Record(divergedTwoLayer, "two-layer")]);
    }

    [OneTimeTearDown]
    public void RemoveFolders()
    {
        foreach (var f in owned) Directory.Delete(f, recursive: true);
    }

    static IEnumerable<string> Tables => OutputTables.All.Select(t => t.Table).Where(t => t != ClaimRecord.Table);

    [Test]
    public void Reproduce_WritesEveryTable_AsJsonLinesAndParquet()
    {
        foreach (var table in Tables)
        {
            File.Exists(Path.Combine(reproduced, table + ".jsonl")).ShouldBeTrue(table);
            File.Exists(Path.Combine(reproduced, table + ".parquet")).ShouldBeTrue(table);
        }
        File.Exists(Path.Combine(reproduced, "claims.parquet")).ShouldBeTrue();
        ReadJsonLines(reproduced, TwoLayerRunRow.Table).Count.ShouldBe(8, "the tiny sweep's 8 runs");
        ReadJsonLines(reproduced, NodeRow.Table).Count.ShouldBe(8 * (6 * 3) + 4 * (2 * 3) + 4 * (2 * 6), "per run: 6 teacher metrics x 3 teachers, 2 student metrics x n students (n 3 or 6)");
        ReadJsonLines(reproduced, EpochRow.Table).Count.ShouldBe(8 * 2 * 2, "per run: eval_loss and coverage after each of 2 epochs");
    }

    [TestCase("reproduced")]
    [TestCase("trained")]
    public void EveryParquetFile_HoldsTheRowsOfItsJsonLines(string folder)
    {
        var dir = folder == "reproduced" ? reproduced : trained;
        foreach (var table in Tables)
        {
            var lines = ReadJsonLines(dir, table);
            var (rows, _) = ReadParquet(Path.Combine(dir, table + ".parquet"));
            rows.Count.ShouldBe(lines.Count, $"{table}: Parquet rows against JSON lines");
            if (folder == "trained" && table != NodeRow.Table) lines.Count.ShouldBeGreaterThan(0, $"{table}: the trained folder has rows in every table");
            for (var i = 0; i < lines.Count; i++) SameRow(rows[i], lines[i], $"{folder}/{table} row {i}");
        }
    }

    [Test]
    public void ClaimsParquet_HoldsTheClaimsOfClaimsJson()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(reproduced, "claims.json")))!.AsObject();
        var claims = document["claims"]!.AsArray().Select(c => c!.AsObject()).ToArray();
        var (rows, _) = ReadParquet(Path.Combine(reproduced, "claims.parquet"));
        rows.Count.ShouldBe(claims.Length);
        claims.Length.ShouldBeGreaterThan(0);
        for (var i = 0; i < claims.Length; i++) SameRow(rows[i], claims[i], $"claims row {i}");
        claims.ShouldAllBe(c => (string)c["run_id"]! == (string)document["run_id"]!, "every claim carries the reproduction's run id");
    }

    /// <summary>Numbers that were not finite are null with their flag, in both files; the flag is false where a number is there.</summary>
    [Test]
    public void NonFiniteNumbers_AreNullWithTheirFlag()
    {
        double.IsFinite(divergedTwoLayer.TrainLoss).ShouldBeFalse($"precondition: the two-layer run at lr 500 diverged ({divergedTwoLayer.Outcome})");
        double.IsFinite(divergedAuthors.TrainLoss).ShouldBeFalse($"precondition: the authors' run at rate 1000 diverged ({divergedAuthors.Training})");

        var twoLayer = ReadJsonLines(trained, TwoLayerRunRow.Table).Single();
        twoLayer["train_loss"].ShouldBeNull();
        ((bool)twoLayer["train_loss_nonfinite"]!).ShouldBeTrue();
        var authors = ReadJsonLines(trained, MultiLayerRunRow.Table).Single(r => (string)r["run_id"]! == SweepJson.RunId(divergedAuthors.Config));
        authors["train_loss"].ShouldBeNull();
        ((bool)authors["train_loss_nonfinite"]!).ShouldBeTrue();
        ((bool)authors["train_loss_initial_nonfinite"]!).ShouldBeFalse("the loss before the first step is finite");
        ((double)authors["train_loss_initial"]!).ShouldBe(divergedAuthors.InitialTrainLoss);

        var (rows, _) = ReadParquet(Path.Combine(trained, MultiLayerRunRow.Table + ".parquet"));
        var row = rows.Single(r => (string)r["run_id"]! == SweepJson.RunId(divergedAuthors.Config));
        row["train_loss"].ShouldBeNull();
        row["train_loss_nonfinite"].ShouldBe(true);

        var flagged = ReadJsonLines(trained, NodeRow.Table).Where(r => (bool)r["value_nonfinite"]!).ToArray();
        flagged.ShouldNotBeEmpty("the diverged authors' run has non-finite correlations");
        flagged.ShouldAllBe(r => r["value"] == null);
        foreach (var table in Tables)
            File.ReadAllText(Path.Combine(trained, table + ".jsonl")).ShouldNotContain("NaN", customMessage: $"{table}: no NaN literal");
    }

    [Test]
    public void EveryParquetFile_CarriesTheProvenance()
    {
        var provenance = JsonNode.Parse(File.ReadAllText(Path.Combine(reproduced, "claims.json")))!["provenance"]!.AsObject();
        ((string)provenance["commit"]!).ShouldMatch("^[0-9a-f]{40}$");
        ((string)provenance["rules_hash"]!).ShouldBe(Rules.Hash);
        ((long)provenance["run_seed"]!).ShouldBe(Verify.Model.Protocols.TheoremCheckSettings.DefaultRunSeed);
        foreach (var table in OutputTables.All.Select(t => t.Table))
        {
            var (_, metadata) = ReadParquet(Path.Combine(reproduced, table + ".parquet"));
            metadata[ParquetTable.TableKey].ShouldBe(table);
            foreach (var (key, value) in provenance)
                metadata["verify." + key].ShouldBe(value is null ? "null" : value.GetValueKind() == JsonValueKind.String ? (string)value! : value.ToJsonString(), $"{table}: {key}");
        }
        var report = File.ReadAllText(Path.Combine(reproduced, "report.md"));
        report.ShouldContain("## Provenance");
        report.ShouldContain($"| commit | `{provenance["commit"]}` |");
        report.ShouldContain($"`{Rules.Version} ({Rules.Hash})`");
    }

    /// <summary>A table's rows name their run by the id runs.jsonl gives it: the id of its configuration.</summary>
    [Test]
    public void EveryRow_CarriesTheRunIdOfItsConfiguration()
    {
        var manifest = SweepManifest.Load(reproduced);
        var ids = manifest.Entries.Select(e => e.RunId).ToHashSet();
        ReadJsonLines(reproduced, TwoLayerRunRow.Table).Select(r => (string)r["run_id"]!).ShouldBe(ids, ignoreOrder: true);
        foreach (var table in new[] { NodeRow.Table, EpochRow.Table })
            ReadJsonLines(reproduced, table).ShouldAllBe(r => ids.Contains((string)r["run_id"]!), table);
        File.ReadAllLines(Path.Combine(reproduced, "runs.jsonl")).Select(l => (string)JsonNode.Parse(l)!["run_id"]!).ShouldBe(manifest.Entries.Select(e => e.RunId));
    }

    /// <summary>Learning-rate schedules are lists of tuples; two schedules must give two run ids.</summary>
    [Test]
    public void TheRunId_SeesTheLearningRateSchedule()
    {
        var config = new AuthorsMultiLayerConfig();
        SweepJson.RunId(config with { LearningRates = [(0, 0.3)] }).ShouldNotBe(SweepJson.RunId(config));
        SweepJson.RunId(config with { }).ShouldBe(SweepJson.RunId(config));
    }

    [TestCase("reproduced")]
    [TestCase("trained")]
    public void EveryJsonOutput_ValidatesAgainstItsCommittedSchema(string folder)
    {
        var dir = folder == "reproduced" ? reproduced : trained;
        foreach (var spec in OutputSchemas.All.Where(s => s.File != "runs.jsonl"))
        {
            if (spec.File == "claims.json" && folder == "trained") continue; // the trained folder has no verdicts
            var schema = Committed(spec.SchemaFile);
            foreach (var text in Documents(Path.Combine(dir, spec.File)))
            {
                var result = Evaluate(schema, text);
                result.IsValid.ShouldBeTrue($"{folder}/{spec.File}: {Errors(result)} in {text[..Math.Min(text.Length, 300)]}");
            }
        }
    }

    /// <summary>runs.jsonl mixes three kinds of line; each line is valid against exactly one kind's schema.</summary>
    [TestCase("reproduced", 8)]
    [TestCase("trained", 4)]
    public void EveryRunsJsonlLine_MatchesExactlyOneKindOfLine(string folder, int lines)
    {
        var dir = folder == "reproduced" ? reproduced : trained;
        var kinds = OutputSchemas.All.Where(s => s.File == "runs.jsonl").Select(s => (s.SchemaFile, Schema: Committed(s.SchemaFile))).ToArray();
        kinds.Length.ShouldBe(3);
        var texts = File.ReadAllLines(Path.Combine(dir, "runs.jsonl"));
        texts.Length.ShouldBe(lines);
        foreach (var text in texts)
            kinds.Where(k => Evaluate(k.Schema, text).IsValid).Select(k => k.SchemaFile).Count()
                .ShouldBe(1, $"{folder}: kinds accepting {text[..Math.Min(text.Length, 300)]}: " + string.Join("; ", kinds.Select(k => $"{k.SchemaFile}: {Errors(Evaluate(k.Schema, text))}")));
    }

    static string[] Documents(string path) => path.EndsWith(".jsonl", StringComparison.Ordinal) ? File.ReadAllLines(path) : [File.ReadAllText(path)];

    static EvaluationResults Evaluate(JsonSchema schema, string text)
    {
        using var json = JsonDocument.Parse(text);
        return schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    /// <summary>The negative control: a NaN literal, a missing field or a field the type does not have fails the schema.</summary>
    [TestCase("value", "\"NaN\"")]
    [TestCase("value_nonfinite", null)]
    [TestCase("unexpected", "1")]
    public void ASchema_RejectsALineThatBreaksIt(string field, string? value)
    {
        var line = JsonNode.Parse(File.ReadAllLines(Path.Combine(reproduced, "epochs.jsonl"))[0])!.AsObject();
        if (value is null) line.Remove(field);
        else line[field] = JsonNode.Parse(value);
        Evaluate(Committed("epochs.schema.json"), line.ToJsonString()).IsValid.ShouldBeFalse(line.ToJsonString());
    }

    [Test]
    public void TheCommittedSchemas_AreTheGeneratedOnes()
    {
        foreach (var (file, text) in OutputSchemas.Texts())
            File.ReadAllText(Path.Combine(SchemaFolder, file)).ShouldBe(text, $"docs/schemas/{file} differs from the type's schema; regenerate with `dotnet run --project src/Cli -- schemas --out docs/schemas`");
        Directory.GetFiles(SchemaFolder, "*.schema.json").Select(Path.GetFileName).ShouldBe(OutputSchemas.Texts().Select(t => t.SchemaFile), ignoreOrder: true);
    }

    static string SchemaFolder
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Verify.sln"))) root = root.Parent;
            return Path.Combine(root!.FullName, "docs", "schemas");
        }
    }

    static JsonSchema Committed(string schemaFile) =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(SchemaFolder, schemaFile)), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    static string Errors(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    static List<JsonObject> ReadJsonLines(string dir, string table) =>
        File.ReadAllLines(Path.Combine(dir, table + ".jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>A Parquet file's rows (column name to value, null where null) and its key-value metadata, read with Parquet.Net's column reader.</summary>
    static (List<Dictionary<string, object?>> Rows, IReadOnlyDictionary<string, string> Metadata) ReadParquet(string path) => ReadParquetAsync(path).GetAwaiter().GetResult();

    static async Task<(List<Dictionary<string, object?>> Rows, IReadOnlyDictionary<string, string> Metadata)> ReadParquetAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var rows = new List<Dictionary<string, object?>>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            var columns = reader.Schema.GetDataFields().Select(f => (f.Name, Values: Column(group, f, count))).ToArray();
            for (var i = 0; i < count; i++) rows.Add(columns.ToDictionary(c => c.Name, c => c.Values[i]));
        }
        return (rows, reader.CustomMetadata ?? new Dictionary<string, string>());
    }

    static object?[] Column(ParquetRowGroupReader group, DataField field, int count)
    {
        object?[] Read<T>() where T : struct
        {
            var values = new T?[count];
            group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            return values.Select(v => (object?)v).ToArray();
        }
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            return values;
        }
        return field.ClrType == typeof(double) ? Read<double>()
            : field.ClrType == typeof(long) ? Read<long>()
            : field.ClrType == typeof(int) ? Read<int>()
            : field.ClrType == typeof(bool) ? Read<bool>()
            : throw new NotSupportedException($"column {field.Name} of type {field.ClrType}");
    }

    /// <summary>A Parquet row against its JSON object: the same fields, every value equal (numbers exactly), null where null; nested JSON compared as JSON.</summary>
    static void SameRow(Dictionary<string, object?> row, JsonObject json, string where)
    {
        row.Keys.ShouldBe(json.Select(p => p.Key), $"{where}: columns against JSON fields");
        foreach (var (key, node) in json)
        {
            var cell = row[key];
            if (node is null) { cell.ShouldBeNull($"{where}: {key}"); continue; }
            cell.ShouldNotBeNull($"{where}: {key} is {node.ToJsonString()} in the JSON");
            switch (node.GetValueKind())
            {
                case JsonValueKind.String: cell.ShouldBe((string)node!, $"{where}: {key}"); break;
                case JsonValueKind.True or JsonValueKind.False: cell.ShouldBe((bool)node!, $"{where}: {key}"); break;
                case JsonValueKind.Number:
                    Convert.ToDouble(cell, System.Globalization.CultureInfo.InvariantCulture).ShouldBe((double)node!, $"{where}: {key}");
                    break;
                default: JsonNode.DeepEquals(JsonNode.Parse((string)cell), node).ShouldBeTrue($"{where}: {key}: {cell} against {node.ToJsonString()}"); break;
            }
        }
    }
}
