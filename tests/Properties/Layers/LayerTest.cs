using NUnit.Framework;
using Shouldly;
using Verify.Cli.Report;
using Verify.Model;

namespace Verify.Properties.Layers;

/// <summary>
/// Layers point one way (docs/architecture.md): in the compiled library, no type uses a type of a
/// layer above its own, the namespaces of one layer do not use each other, and a judge (Claims) reads
/// only the records and enums of Training, never a trainer. The compiled assemblies are read
/// (<see cref="TypeGraph"/>), so a use inside a method body counts as much as one in a signature.
/// The planted namespaces (Planted.Low, Planted.High) show that each check reports what it must.
/// </summary>
[TestFixture]
public sealed class LayerTest
{
    /// <summary>
    /// The library's layers, bottom first; docs/architecture.md gives the reason for each. Rules (the root
    /// namespace) holds the constants every layer reads.
    /// </summary>
    public static LayerOrder Library { get; } = new("Verify.Model",
        ["Verify.Model"],
        ["Verify.Model.Runtime"],
        ["Verify.Model.Networks"],
        ["Verify.Model.Data"],
        ["Verify.Model.Training"],
        ["Verify.Model.Theory", "Verify.Model.Analysis"],
        ["Verify.Model.Evidence"],
        ["Verify.Model.Claims"],
        ["Verify.Model.Protocols"],
        ["Verify.Model.Experiments"],
        ["Verify.Model.Sweeps"],
        ["Verify.Model.Hunt"])
    {
        DataOnly = [("Verify.Model.Claims", "Verify.Model.Training")],
    };

    /// <summary>The command line: its commands write the report; the report's writers know no command.</summary>
    public static LayerOrder CommandLine { get; } = new("Verify.Cli", ["Verify.Cli.Report"], ["Verify.Cli"]);

    static readonly Lazy<TypeGraph> LibraryGraph = new(() => TypeGraph.Read(typeof(Rules).Assembly.Location));

    [Test]
    public void EveryDependencyOfTheLibrary_PointsDownTheLayers()
    {
        var graph = LibraryGraph.Value;
        ReadsTheAssembly(graph, Library, new TypeDependency("Verify.Model.Claims.LShapeVerdict", "Verify.Model.Evidence.TwoLayerRun"));
        var violations = Library.Violations(graph);
        violations.ShouldBeEmpty(
            $"{violations.Count} use(s) against the layer order (tests/Properties/Layers/LayerTest.cs, docs/architecture.md); " +
            "move the type to its layer, or move the record both sides need below them:\n" + string.Join("\n", violations));
    }

    [Test]
    public void AJudge_ReadsTheRecordsOfTraining_AndNeverCallsATrainer()
    {
        var graph = LibraryGraph.Value;
        graph.Dependencies.ShouldContain(new TypeDependency("Verify.Model.Claims.VanishingClaim", "Verify.Model.Training.TrainingResult"),
            "a judge reads the training result: the rule has something to judge");
        graph.Kinds["Verify.Model.Training.TrainingResult"].ShouldBe(TypeKind.Record);
        graph.Kinds["Verify.Model.Training.TrainingOutcome"].ShouldBe(TypeKind.Enum);
        graph.Kinds["Verify.Model.Training.SgdTrainer"].ShouldBe(TypeKind.Code);
        var violations = Library.DataOnlyViolations(graph);
        violations.ShouldBeEmpty(
            "a judge takes evidence and never trains; a protocol (Protocols, Experiments) trains and hands the judge its records:\n" +
            string.Join("\n", violations));
    }

    [Test]
    public void EveryDependencyOfTheCommandLine_PointsDownTheLayers()
    {
        var graph = TypeGraph.Read(typeof(ClaimsJson).Assembly.Location);
        ReadsTheAssembly(graph, CommandLine, new TypeDependency("Verify.Cli.ReproduceCommand", "Verify.Cli.Report.MarkdownReport"));
        var violations = CommandLine.Violations(graph);
        violations.ShouldBeEmpty("uses against the command line's layers:\n" + string.Join("\n", violations));
    }

    /// <summary>
    /// The benchmarks are a project of their own above the library (Verify.Benchmarks, which `verify
    /// bench` runs): the library's assembly does not reference it, while the command line does, and the
    /// benchmarks reference the library (the check sees a reference where there is one).
    /// </summary>
    [Test]
    public void TheLibrary_DoesNotReferenceTheBenchmarks()
    {
        static string[] References(Type t) => t.Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        References(typeof(Rules)).ShouldNotContain("Verify.Benchmarks", "Verify.Model must not depend on the benchmark project");
        References(typeof(Verify.Benchmarks.BenchReport)).ShouldContain("Verify.Model", "the benchmarks time the library");
        References(typeof(ClaimsJson)).ShouldContain("Verify.Benchmarks", "`verify bench` runs the benchmarks");
        typeof(Rules).Assembly.GetTypes().Where(t => t.Namespace?.Contains("Benchmarks", StringComparison.Ordinal) == true).ShouldBeEmpty("no benchmark type left in the library");
    }

    [Test]
    public void APlantedCycle_IsReported_UseByUse()
    {
        var order = new LayerOrder(Planted, [Low], [High]);
        var violations = order.Violations(PlantedGraph());
        violations.Select(v => (v.From, v.To)).ShouldBe(
            [
                ($"{Low}.ByLambda", $"{High}.Gauge"),
                ($"{Low}.ByNew", $"{High}.Gauge"),
                ($"{Low}.ByProperty", $"{High}.Meter"),
                ($"{Low}.ByStaticCall", $"{High}.Gauge"),
            ],
            "the four planted uses of High by Low, and not High's uses of Low:\n" + string.Join("\n", violations));
        violations.ShouldAllBe(v => v.Rule == "Low (layer 1) uses High (layer 2), a layer above it");
    }

    [Test]
    public void ThePlantedNamespaces_InTheOtherOrder_ReportTheOtherDirection()
    {
        var violations = new LayerOrder(Planted, [High], [Low]).Violations(PlantedGraph());
        violations.Select(v => (v.From, v.To)).ShouldBe(
            [
                ($"{High}.Gauge", $"{Low}.Reading"),
                ($"{High}.Gauge", $"{Low}.Source"),
                ($"{High}.Judge", $"{Low}.Reading"),
            ],
            "High's three uses of Low:\n" + string.Join("\n", violations));
    }

    [Test]
    public void PlantedPeersAndAnUnplacedNamespace_AreReported()
    {
        var graph = PlantedGraph();
        var peers = new LayerOrder(Planted, [Low, High]).Violations(graph);
        peers.Count.ShouldBe(7, "every use between the two peers, both ways:\n" + string.Join("\n", peers));
        peers.ShouldAllBe(v => v.Rule.Contains("a peer in layer 1"));
        var unplaced = new LayerOrder(Planted, [Low]).Violations(graph);
        unplaced.Select(v => v.ToString()).ShouldBe([$"{High}.Gauge -> -: namespace {High} is in no layer; place it in the order"]);
    }

    [Test]
    public void APlantedCallIntoCode_BreaksTheDataOnlyRule_AndAReadOfARecordDoesNot()
    {
        var order = new LayerOrder(Planted, [Low], [High]) { DataOnly = [(High, Low)] };
        var violations = order.DataOnlyViolations(PlantedGraph());
        violations.Select(v => (v.From, v.To)).ShouldBe([($"{High}.Gauge", $"{Low}.Source")],
            "Gauge calls Low's code; Judge and Gauge's signature read only Low's record:\n" + string.Join("\n", violations));
    }

    const string Planted = "Verify.Properties.Layers.Planted";
    const string Low = Planted + ".Low";
    const string High = Planted + ".High";

    static TypeGraph PlantedGraph() => TypeGraph.Read(typeof(LayerTest).Assembly.Location);

    /// <summary>
    /// The graph is the assembly's: every namespace of the order holds types (a renamed namespace leaves no
    /// stale entry) and a known use between two layers is found.
    /// </summary>
    static void ReadsTheAssembly(TypeGraph graph, LayerOrder order, TypeDependency known)
    {
        var present = order.NamespacesIn(graph);
        order.Namespaces.Where(ns => !present.Contains(ns)).ShouldBeEmpty("namespaces of the order with no type in the assembly");
        graph.Dependencies.ShouldContain(known, "a use the reader must see");
    }
}
