using System.Text.Json;
using Verify.Model.Evidence;
using Verify.Model.Experiments;

namespace Verify.Model.Sweeps;

/// <summary>
/// What a sweep trains: a two-layer sweep with the knobs of `verify two-layer`
/// (<see cref="TwoLayer"/>), or the two-layer experiments of `verify reproduce` at a scale
/// (<see cref="Scale"/> and <see cref="Only"/>). Kept beside the manifest as sweep.json, so
/// `sweep collect` can write the report that belongs to it.
/// </summary>
public sealed record SweepPlan(string Kind, TwoLayerSweep? TwoLayer = null, string? Scale = null, IReadOnlyList<string>? Only = null)
{
    public const string TwoLayerKind = "two-layer";
    public const string ReproduceKind = "reproduce";

    /// <summary>The experiments of `reproduce` whose runs are two-layer runs, and so can be planned.</summary>
    public static IReadOnlyList<string> PlannableExperiments { get; } = ["two-layer", "leaky", "sample-size"];

    public static SweepPlan OfTwoLayer(TwoLayerSweep sweep) => new(TwoLayerKind, TwoLayer: sweep);

    public static SweepPlan OfReproduce(ExperimentScale scale, IReadOnlyList<string> only)
    {
        foreach (var o in only)
            if (!PlannableExperiments.Contains(o))
                throw new ArgumentException($"'{o}' is not an experiment of two-layer runs; these can be planned: {string.Join(", ", PlannableExperiments)}.", nameof(only));
        return new(ReproduceKind, Scale: scale.Name, Only: only.ToArray());
    }

    /// <summary>The scale whose report `collect` writes: reproduce's, or one whose two-layer sweep is this plan's.</summary>
    public ExperimentScale ReportScale() => Kind switch
    {
        TwoLayerKind => ExperimentScale.Default with { Name = "two-layer sweep", LShape = TwoLayer!, Success = TwoLayer! },
        ReproduceKind => ExperimentScale.Parse(Scale!),
        _ => throw new InvalidDataException($"Unknown sweep kind '{Kind}'."),
    };

    /// <summary>The experiments of `reproduce` the report covers.</summary>
    public IReadOnlyList<string> ReportExperiments() => Kind == TwoLayerKind ? ["two-layer"] : Only!;

    /// <summary>
    /// The runs, labelled as `runs.jsonl` labels them, in the order `reproduce` trains them: for
    /// reproduce's "two-layer" experiment the L-shape sweep, then the success-rate sweep where it
    /// is another sweep.
    /// </summary>
    public IEnumerable<(string Experiment, IReadOnlyList<TwoLayerConfig> Configs)> Runs()
    {
        if (Kind == TwoLayerKind)
        {
            yield return ("two-layer", TwoLayer!.Configs());
            yield break;
        }
        var scale = ReportScale();
        if (Only!.Contains("two-layer"))
        {
            yield return ("lshape", scale.LShape.Configs());
            if (!ReferenceEquals(scale.Success, scale.LShape)) yield return ("success-rate", scale.Success.Configs());
        }
        if (Only!.Contains("leaky")) yield return ("leaky", scale.Leaky.Configs());
        if (Only!.Contains("sample-size")) yield return ("sample-size", scale.SampleSize.Configs());
    }
}

/// <summary>One line of manifest.jsonl: a run with its full configuration, its run seed and its content-derived id.</summary>
/// <param name="Index">Line number from 0: the index of `sweep run --index` (with --chunk K, task I runs lines I*K .. I*K+K-1).</param>
/// <param name="RunId"><see cref="SweepJson.RunId"/> of <paramref name="Config"/>; its result is results/&lt;run id&gt;.json.</param>
/// <param name="Experiment">The label `runs.jsonl` gives the run.</param>
/// <param name="RunSeed">The seed every random stream of the run is derived from by name (teacher, inputs, student, batches).</param>
/// <param name="Config">The run's full configuration.</param>
public sealed record SweepEntry(int Index, string RunId, string Experiment, long RunSeed, TwoLayerConfig Config);

/// <summary>
/// A sweep as files: DIR/manifest.jsonl (one <see cref="SweepEntry"/> per line) and DIR/sweep.json
/// (the <see cref="SweepPlan"/>). A run planned twice (the same configuration under two labels) is
/// listed once, under its first label.
/// </summary>
public sealed class SweepManifest
{
    public const string ManifestFile = "manifest.jsonl";
    public const string PlanFile = "sweep.json";

    public SweepPlan Plan { get; }
    public IReadOnlyList<SweepEntry> Entries { get; }
    readonly Dictionary<string, SweepEntry> byId;

    SweepManifest(SweepPlan plan, IReadOnlyList<SweepEntry> entries)
    {
        Plan = plan;
        Entries = entries;
        byId = entries.ToDictionary(e => e.RunId);
    }

    /// <summary>The manifest of <paramref name="plan"/>; every configuration is validated first.</summary>
    public static SweepManifest Create(SweepPlan plan)
    {
        var entries = new List<SweepEntry>();
        var seen = new HashSet<string>();
        foreach (var (experiment, configs) in plan.Runs())
            foreach (var config in configs)
            {
                config.Validate();
                var id = SweepJson.RunId(config);
                if (seen.Add(id)) entries.Add(new SweepEntry(entries.Count, id, experiment, config.Seed, config));
            }
        if (entries.Count == 0) throw new ArgumentException("The plan has no runs.", nameof(plan));
        return new SweepManifest(plan, entries);
    }

    /// <summary>The entry of a run id, or null when the run is not in this sweep.</summary>
    public SweepEntry? Find(string runId) => byId.GetValueOrDefault(runId);

    /// <summary>Tasks of <paramref name="chunk"/> lines each (the last may be shorter).</summary>
    public int TaskCount(int chunk) => (Entries.Count + chunk - 1) / chunk;

    /// <summary>The lines of task <paramref name="index"/>: index*chunk .. index*chunk + chunk - 1.</summary>
    public IReadOnlyList<SweepEntry> Task(int index, int chunk)
    {
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "chunk must be >= 1.");
        if (index < 0 || index >= TaskCount(chunk))
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must lie in 0..{TaskCount(chunk) - 1} ({Entries.Count} runs, chunk {chunk}); got {index}.");
        return Entries.Skip(index * chunk).Take(chunk).ToArray();
    }

    /// <summary>
    /// Writes manifest.jsonl and sweep.json into <paramref name="dir"/>. Planning the same sweep
    /// again is harmless; a folder that holds another sweep's manifest is refused, so results of two
    /// sweeps never mix.
    /// </summary>
    public void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        var manifestPath = Path.Combine(dir, ManifestFile);
        var lines = Entries.Select(e => JsonSerializer.Serialize(e, SweepJson.Options)).ToArray();
        var text = string.Join("\n", lines) + "\n";
        if (File.Exists(manifestPath))
        {
            if (File.ReadAllText(manifestPath) == text) return;
            throw new IOException($"'{manifestPath}' already holds another sweep; plan into an empty folder (or remove that sweep first).");
        }
        SweepFiles.WriteAtomically(Path.Combine(dir, PlanFile), JsonSerializer.Serialize(Plan, SweepJson.Options) + "\n", overwrite: true);
        SweepFiles.WriteAtomically(manifestPath, text, overwrite: true);
    }

    /// <summary>Reads the sweep in <paramref name="dir"/>; a missing or unreadable file is named.</summary>
    public static SweepManifest Load(string dir)
    {
        var manifestPath = Path.Combine(dir, ManifestFile);
        var planPath = Path.Combine(dir, PlanFile);
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"'{dir}' holds no {ManifestFile}; write one with `verify sweep plan ... --out {dir}`.", manifestPath);
        SweepPlan plan;
        try { plan = JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(planPath), SweepJson.Options) ?? throw new JsonException("empty"); }
        catch (Exception e) when (e is JsonException or FileNotFoundException or ArgumentException)
        {
            throw new InvalidDataException($"'{planPath}' is missing or not a sweep plan ({e.Message}).", e);
        }
        var entries = new List<SweepEntry>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(manifestPath))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            SweepEntry entry;
            try { entry = JsonSerializer.Deserialize<SweepEntry>(line, SweepJson.Options) ?? throw new JsonException("null line"); }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                throw new InvalidDataException($"'{manifestPath}' line {lineNumber} is not a manifest line ({e.Message}).", e);
            }
            if (entry.Index != entries.Count || entry.RunId != SweepJson.RunId(entry.Config))
                throw new InvalidDataException($"'{manifestPath}' line {lineNumber} has index {entry.Index} and run id {entry.RunId}; expected index {entries.Count} and the id of its configuration, {SweepJson.RunId(entry.Config)}. The manifest was edited; plan the sweep again.");
            entries.Add(entry);
        }
        if (entries.Count == 0) throw new InvalidDataException($"'{manifestPath}' lists no runs.");
        return new SweepManifest(plan, entries);
    }
}
