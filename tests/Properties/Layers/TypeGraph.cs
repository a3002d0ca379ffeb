using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Verify.Properties.Layers;

/// <summary>One type of an assembly using another type of the same assembly: full names, nested types folded into their outermost type.</summary>
public sealed record TypeDependency(string From, string To)
{
    public override string ToString() => $"{From} -> {To}";
}

/// <summary>What a type is, as far as the layer rules care: data (a record or an enum) or code.</summary>
public enum TypeKind
{
    Code,
    Record,
    Enum,
}

/// <summary>
/// The types of one assembly and, for every type, the types of the same assembly it uses, read with
/// System.Reflection.Metadata: base type and interfaces, generic constraints, custom attributes, the
/// signatures of fields, methods, properties and events, and in every method body the local
/// variables, the caught exception types and every token an instruction names (<c>newobj</c>,
/// <c>call</c>, <c>ldfld</c>, <c>ldtoken</c>, <c>castclass</c>, ...), generic arguments included. A
/// nested type (a closure, a lambda's class, an iterator or async state machine) counts as its
/// outermost declaring type, so a lambda's use is its method's type's use. Constants are not seen:
/// the compiler copies their values into the IL that reads them.
/// </summary>
/// <param name="Dependencies">Every use of one top-level type by another (a type on itself left out).</param>
/// <param name="Kinds">Every top-level type, by full name.</param>
public sealed record TypeGraph(IReadOnlySet<TypeDependency> Dependencies, IReadOnlyDictionary<string, TypeKind> Kinds)
{
    /// <summary>The graph of the assembly file at <paramref name="path"/>.</summary>
    public static TypeGraph Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var found = new HashSet<TypeDependency>();
        var kinds = new Dictionary<string, TypeKind>(StringComparer.Ordinal);
        foreach (var handle in md.TypeDefinitions)
        {
            var from = Outermost(md, handle);
            if (from == handle) kinds[FullName(md, handle)] = KindOf(md, handle);
            var used = new HashSet<TypeDefinitionHandle>();
            Collect(md, pe, handle, used);
            foreach (var target in used)
            {
                var to = Outermost(md, target);
                if (to != from) found.Add(new TypeDependency(FullName(md, from), FullName(md, to)));
            }
        }
        return new TypeGraph(found, kinds);
    }

    /// <summary>The namespace of a full name as <see cref="Read"/> writes it ("" for the global namespace).</summary>
    public static string NamespaceOf(string fullName)
    {
        var dot = fullName.LastIndexOf('.');
        return dot < 0 ? "" : fullName[..dot];
    }

    /// <summary>An enum derives from System.Enum; a record class has the compiler's <c>&lt;Clone&gt;$</c> method.</summary>
    static TypeKind KindOf(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        if (type.BaseType.Kind == HandleKind.TypeReference)
        {
            var baseType = md.GetTypeReference((TypeReferenceHandle)type.BaseType);
            if (md.GetString(baseType.Namespace) == "System" && md.GetString(baseType.Name) == "Enum") return TypeKind.Enum;
        }
        return type.GetMethods().Any(m => md.GetString(md.GetMethodDefinition(m).Name) == "<Clone>$") ? TypeKind.Record : TypeKind.Code;
    }

    static void Collect(MetadataReader md, PEReader pe, TypeDefinitionHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        var types = new TypeCollector(md, used);
        var type = md.GetTypeDefinition(handle);
        types.Entity(type.BaseType);
        foreach (var i in type.GetInterfaceImplementations()) types.Entity(md.GetInterfaceImplementation(i).Interface);
        GenericConstraints(md, type.GetGenericParameters(), types);
        Attributes(md, type.GetCustomAttributes(), types);
        foreach (var f in type.GetFields())
        {
            var field = md.GetFieldDefinition(f);
            field.DecodeSignature(types, null);
            Attributes(md, field.GetCustomAttributes(), types);
        }
        foreach (var p in type.GetProperties())
        {
            var property = md.GetPropertyDefinition(p);
            property.DecodeSignature(types, null);
            Attributes(md, property.GetCustomAttributes(), types);
        }
        foreach (var e in type.GetEvents()) types.Entity(md.GetEventDefinition(e).Type);
        foreach (var m in type.GetMethods())
        {
            var method = md.GetMethodDefinition(m);
            method.DecodeSignature(types, null);
            GenericConstraints(md, method.GetGenericParameters(), types);
            Attributes(md, method.GetCustomAttributes(), types);
            foreach (var p in method.GetParameters()) Attributes(md, md.GetParameter(p).GetCustomAttributes(), types);
            if (method.RelativeVirtualAddress != 0) Body(md, pe.GetMethodBody(method.RelativeVirtualAddress), types);
        }
    }

    static void GenericConstraints(MetadataReader md, GenericParameterHandleCollection parameters, TypeCollector types)
    {
        foreach (var p in parameters)
            foreach (var c in md.GetGenericParameter(p).GetConstraints())
                types.Entity(md.GetGenericParameterConstraint(c).Type);
    }

    static void Attributes(MetadataReader md, CustomAttributeHandleCollection attributes, TypeCollector types)
    {
        foreach (var a in attributes) types.Entity(md.GetCustomAttribute(a).Constructor);
    }

    static void Body(MetadataReader md, MethodBodyBlock body, TypeCollector types)
    {
        if (!body.LocalSignature.IsNil)
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(types, null);
        foreach (var region in body.ExceptionRegions) types.Entity(region.CatchType);
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE) code = 0xFE00 | il.ReadByte();
            if (!Operands.TryGetValue(code, out var kind))
                throw new BadImageFormatException($"Unknown IL opcode 0x{code:x} at offset {il.Offset - 1}.");
            switch (kind)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok or OperandType.InlineSig:
                    types.Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch: var targets = il.ReadInt32(); il.Offset += 4 * targets; break;
                default: il.Offset += 4; break; // branch targets, int32 and float32 constants, string tokens
            }
        }
    }

    static readonly Dictionary<int, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

    static TypeDefinitionHandle Outermost(MetadataReader md, TypeDefinitionHandle handle)
    {
        for (var outer = md.GetTypeDefinition(handle).GetDeclaringType(); !outer.IsNil; outer = md.GetTypeDefinition(handle).GetDeclaringType())
            handle = outer;
        return handle;
    }

    static string FullName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var ns = md.GetString(type.Namespace);
        var name = md.GetString(type.Name);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }

    /// <summary>
    /// Adds to <c>used</c> every type definition of the assembly that a metadata entity or a signature
    /// names; types of other assemblies are ignored.
    /// </summary>
    sealed class TypeCollector(MetadataReader md, HashSet<TypeDefinitionHandle> used) : ISignatureTypeProvider<object?, object?>
    {
        public void Entity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    used.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    used.Add(method.GetDeclaringType());
                    method.DecodeSignature(this, null);
                    break;
                case HandleKind.FieldDefinition:
                    var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    used.Add(field.GetDeclaringType());
                    field.DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.MethodSpecification:
                    var specification = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(specification.Method);
                    specification.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method) signature.DecodeMethodSignature(this, null);
                    else signature.DecodeLocalSignature(this, null);
                    break;
            }
        }

        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            used.Add(handle);
            return null;
        }

        public object? GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, context);

        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => null;
        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
        public object? GetSZArrayType(object? elementType) => null;
        public object? GetArrayType(object? elementType, ArrayShape shape) => null;
        public object? GetByReferenceType(object? elementType) => null;
        public object? GetPointerType(object? elementType) => null;
        public object? GetPinnedType(object? elementType) => null;
        public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;
        public object? GetGenericTypeParameter(object? context, int index) => null;
        public object? GetGenericMethodParameter(object? context, int index) => null;
        public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;
        public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;
    }
}
