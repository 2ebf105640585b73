// Documents on MongoDB (or FerretDB): one `documents` collection, `_id` "<collection>/<id>", the
// body as JSON text, since user data may hold keys with '.' or '$' that FerretDB refuses.
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { CoworkersError } from '../protocol/index.ts';
import type { Documents } from './documents.port.ts';
import { DUPLICATE_KEY } from './mongo.errors.ts';

interface StoredDocument {
  _id: string;
  collection: string;
  body: string;
}

export function createMongoDocuments(db: Db, guarded: <T>(operation: () => Promise<T>) => Promise<T>): Documents {
  const documents: Collection<StoredDocument> = db.collection<StoredDocument>('documents');
  let indexed: Promise<unknown> | null = null;
  const ensureIndex = () =>
    (indexed ??= documents.createIndex({ collection: 1, _id: 1 }).catch((error: unknown) => {
      indexed = null;
      throw error;
    }));
  const key = (collection: string, id: string) => `${collection}/${id}`;
  return {
    get: <T>(collection: string, id: string) =>
      guarded(async () => {
        const found = await documents.findOne({ _id: key(collection, id) });
        return found ? (JSON.parse(found.body) as T) : null;
      }),
    insert: (collection, id, document) =>
      guarded(async () => {
        try {
          await documents.insertOne({ _id: key(collection, id), collection, body: JSON.stringify(document) });
          return true;
        } catch (error) {
          if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
          throw error;
        }
      }),
    put: (collection, id, document) =>
      guarded(async () => {
        await documents.replaceOne({ _id: key(collection, id) }, { collection, body: JSON.stringify(document) }, { upsert: true });
      }),
    delete: (collection, id) =>
      guarded(async () => {
        await documents.deleteOne({ _id: key(collection, id) });
      }),
    deleteOlderThan: () => Promise.reject(new CoworkersError('INTERNAL', 'MongoDB retention is being built', { hint: 'Use the SQLite store until the next commit.' })),
    list: <T>(collection: string) =>
      guarded(async () => {
        await ensureIndex();
        const found = await documents.find({ collection }).sort({ _id: 1 }).toArray();
        return found.map((document) => JSON.parse(document.body) as T);
      }),
  };
}
