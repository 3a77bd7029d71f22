namespace ModelGen.Generator { internal static class Placeholder {} }
