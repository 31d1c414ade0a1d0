/**
 * WGSL struct layouts described once in TypeScript: field offsets follow the
 * WGSL alignment rules, and a test compares them with the struct that the
 * shader declares.
 */

export type FieldType = 'f32' | 'u32' | 'i32' | 'vec2f' | 'vec2u' | 'vec4f' | 'vec4u';

const FIELD_SIZE: Record<FieldType, number> = {
  f32: 4,
  u32: 4,
  i32: 4,
  vec2f: 8,
  vec2u: 8,
  vec4f: 16,
  vec4u: 16,
};

export interface Field {
  type: FieldType;
  /** Byte offset in the struct. */
  offset: number;
}

export interface StructLayout<Name extends string> {
  /** The struct's name in WGSL. */
  name: string;
  /** Size in bytes, padded to a multiple of 16 as a uniform buffer needs. */
  size: number;
  fields: Record<Name, Field>;
  /** Field names in declaration order. */
  order: readonly Name[];
}

/**
 * Lays a struct out field by field. Every type FieldType allows is a scalar,
 * vec2 or vec4, which WGSL aligns to its own size.
 */
export function defineStruct<Name extends string>(
  name: string,
  declarations: readonly (readonly [Name, FieldType])[],
): StructLayout<Name> {
  const fields = {} as Record<Name, Field>;
  let offset = 0;
  for (const [fieldName, type] of declarations) {
    const size = FIELD_SIZE[type];
    offset = Math.ceil(offset / size) * size;
    fields[fieldName] = { type, offset };
    offset += size;
  }

  return {
    name,
    size: Math.ceil(offset / 16) * 16,
    fields,
    order: declarations.map(([fieldName]) => fieldName),
  };
}

/** Fills the bytes of one struct value, field by field. */
export class StructWriter<Name extends string> {
  readonly data: ArrayBuffer;
  private readonly view: DataView;

  constructor(readonly layout: StructLayout<Name>) {
    this.data = new ArrayBuffer(layout.size);
    this.view = new DataView(this.data);
  }

  set(name: Name, value: number | readonly number[]): this {
    const field = this.layout.fields[name];
    const values = typeof value === 'number' ? [value] : value;
    const count = FIELD_SIZE[field.type] / 4;
    if (values.length !== count) {
      throw new RangeError(`${this.layout.name}.${name} is ${field.type} and takes ${count} values, not ${values.length}`);
    }

    const float = field.type === 'f32' || field.type.endsWith('f');
    for (let k = 0; k < count; k++) {
      const offset = field.offset + 4 * k;
      if (float) {
        this.view.setFloat32(offset, values[k], true);
      } else if (field.type === 'i32') {
        this.view.setInt32(offset, values[k], true);
      } else {
        this.view.setUint32(offset, values[k], true);
      }
    }
    return this;
  }
}
